//! The geopolitical state of each simulated year: a Markov chain stepped once a year, whose
//! transition matrix may change by year (a hazard that rises or falls is written down).

use rand::RngExt;

use super::compile::Regimes;
use crate::model::streams::StreamRng;

/// Fills `states` with the regime of each year (all 0 when the scenario has no regimes).
pub fn sample_path(regimes: Option<&Regimes>, rng: &mut StreamRng, states: &mut [usize]) {
    let Some(r) = regimes else {
        states.fill(0);
        return;
    };
    let mut state = pick(&r.initial, rng);
    for (t, s) in states.iter_mut().enumerate() {
        if t > 0 {
            state = pick(&r.next[t][state], rng);
        }
        *s = state;
    }
}

/// Inverse-CDF draw of an index from probabilities that sum to 1 (validated).
fn pick(probs: &[f64], rng: &mut StreamRng) -> usize {
    let u: f64 = rng.random();
    let mut acc = 0.0;
    for (i, p) in probs.iter().enumerate() {
        acc += p;
        if u < acc {
            return i;
        }
    }
    // Rounding can leave the sum a hair below 1: the last state with positive probability.
    probs.iter().rposition(|&p| p > 0.0).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn chain(stay: f64) -> Regimes {
        Regimes {
            names: vec!["calm".into(), "tense".into()],
            initial: vec![1.0, 0.0],
            next: vec![vec![vec![stay, 1.0 - stay], vec![1.0 - stay, stay]]; 20],
            differential_add: vec![vec![], vec![]],
        }
    }

    #[test]
    fn starts_where_initial_says_and_absorbs() {
        let mut rng = StreamRng::seed_from_u64(1);
        let mut states = [9; 20];
        sample_path(Some(&chain(1.0)), &mut rng, &mut states);
        assert!(states.iter().all(|&s| s == 0));
    }

    #[test]
    fn transition_frequency_matches_within_4_sigma() {
        // 200k transitions with P(switch) = 0.3: binomial se = sqrt(p(1-p)/n).
        let mut rng = StreamRng::seed_from_u64(7);
        let mut states = [0; 2];
        let n = 200_000;
        let switches = (0..n)
            .filter(|_| {
                sample_path(Some(&chain(0.7)), &mut rng, &mut states);
                states[1] != states[0]
            })
            .count();
        let p = switches as f64 / n as f64;
        let se = (0.3f64 * 0.7 / n as f64).sqrt();
        assert!((p - 0.3).abs() < 4.0 * se, "p = {p}");
    }
}
