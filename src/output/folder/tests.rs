use super::*;
use crate::output::error::Result;

/// Commits a set of `files` (name, bytes) into `out`.
fn commit(out: &Path, files: &[(&str, &str)]) -> Result<PathBuf> {
    let s = Staging::new(out, &[])?;
    for (name, bytes) in files {
        s.write(name, bytes.as_bytes())?;
    }
    s.commit()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn staging_names_are_recognised_exactly() {
    assert_eq!(
        parse_staging(".base.tmp-123-AbC9x1", "base"),
        Some(("tmp", 123))
    );
    assert_eq!(
        parse_staging(".base.old-7-zzzzzz", "base"),
        Some(("old", 7))
    );
    for other in [
        ".base.tmp-123-",
        ".base.tmp-x-abc",
        ".base.new-1-abc",
        ".based.tmp-1-abc",
        "base.tmp-1-abc",
        ".base.tmp-1-ab/c",
        ".other.tmp-1-abc",
        "base.corridor-old-20250101-000000",
    ] {
        assert_eq!(parse_staging(other, "base"), None, "{other}");
    }
}

#[test]
fn write_refuses_names_that_leave_the_set_or_are_corridors_own() {
    let tmp = tempfile::tempdir().unwrap();
    let staging = Staging::new(&tmp.path().join("out"), &[]).unwrap();
    for bad in [
        "../x",
        "/etc/passwd",
        "charts/../../x",
        "",
        ".",
        "manifest.json",
        "./manifest.json",
        JOURNAL,
    ] {
        assert!(staging.write(bad, b"x").is_err(), "{bad}");
    }
    staging.write("charts/a.svg", b"<svg/>").unwrap();
    let dir = staging.commit().unwrap();
    assert_eq!(fs::read(dir.join("charts/a.svg")).unwrap(), b"<svg/>");
    // The manifest lists the set; the journal is gone; nothing but the output folder beside it.
    assert_eq!(names(&dir), ["charts", "manifest.json"]);
    let m = Manifest::read(&dir).unwrap().unwrap();
    assert_eq!(m.files.len(), 1);
    assert_eq!(
        (m.files[0].path.as_str(), m.files[0].size),
        ("charts/a.svg", 6)
    );
    assert_eq!(names(tmp.path()), ["out"]);
}

#[test]
fn a_corridor_folder_is_replaced_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    commit(
        &out,
        &[("run.json", "1"), ("charts/only-in-first.svg", "1")],
    )
    .unwrap();
    commit(&out, &[("run.json", "2")]).unwrap();
    assert_eq!(fs::read(out.join("run.json")).unwrap(), b"2");
    assert_eq!(names(&out), ["manifest.json", "run.json"]);
    assert_eq!(names(tmp.path()), ["out"]);
    // An empty folder may be the output too.
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    commit(&empty, &[("run.json", "1")]).unwrap();
    assert_eq!(names(&empty), ["manifest.json", "run.json"]);
}

#[test]
fn the_two_step_fallback_replaces_a_proven_folder_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    commit(&out, &[("run.json", "old"), ("old-only", "x")]).unwrap();
    let mut second = Staging::new(&out, &[]).unwrap();
    second.write("run.json", b"new").unwrap();
    let staged = second.dir.take().unwrap();
    second.seal(&staged).unwrap();
    replace_in_two_steps(&staged, &out).unwrap();
    assert_eq!(fs::read_to_string(out.join("run.json")).unwrap(), "new");
    assert_eq!(names(&out), ["manifest.json", "run.json"]);
    assert_eq!(names(tmp.path()), ["out"]);
}

#[test]
fn folders_corridor_cannot_prove_are_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    // Only a run.json (what older corridors took as proof), and a user's folder.
    let marker = tmp.path().join("marker");
    fs::create_dir(&marker).unwrap();
    fs::write(marker.join("run.json"), "{}").unwrap();
    let err = commit(&marker, &[("run.json", "new")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("has no manifest.json, so corridor cannot prove it wrote run.json"),
        "{err}"
    );
    assert!(
        err.contains("give another --out or move those files out of"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(marker.join("run.json")).unwrap(), "{}");

    // A results folder that a user later added to.
    let out = tmp.path().join("out");
    commit(&out, &[("run.json", "1"), ("charts/a.svg", "a")]).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    fs::create_dir(out.join("drafts")).unwrap();
    fs::write(out.join("charts/mine.svg"), "mine").unwrap();
    let err = commit(&out, &[("run.json", "2")]).unwrap_err().to_string();
    assert!(
        err.contains("has changed since corridor wrote it: charts/mine.svg, drafts/, notes.txt;"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert_eq!(fs::read_to_string(out.join("run.json")).unwrap(), "1");
    // Nothing left beside them.
    assert_eq!(names(tmp.path()), ["marker", "out"]);
}

#[cfg(unix)]
#[test]
fn a_link_as_the_output_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    commit(&real, &[("run.json", "1")]).unwrap();
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for out in [link.clone(), tmp.path().join("link/")] {
        let err = commit(&out, &[("run.json", "2")]).unwrap_err().to_string();
        assert!(err.contains("is a symbolic link"), "{err}");
    }
    assert_eq!(fs::read_to_string(real.join("run.json")).unwrap(), "1");
    assert!(link.is_symlink());
}

#[test]
fn an_output_folder_that_changes_before_the_swap_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    commit(&out, &[("run.json", "1")]).unwrap();
    let staging = Staging::new(&out, &[]).unwrap();
    staging.write("run.json", b"2").unwrap();
    fs::write(out.join("notes.txt"), "added while the run worked").unwrap();
    let err = staging.commit().unwrap_err().to_string();
    assert!(
        err.contains("out has changed since corridor wrote it: notes.txt."),
        "{err}"
    );
    assert!(
        err.contains("changed while corridor was running, so it was left as it was"),
        "{err}"
    );
    assert_eq!(names(&out), ["manifest.json", "notes.txt", "run.json"]);
    assert_eq!(fs::read_to_string(out.join("run.json")).unwrap(), "1");
    // The new results sit beside it, complete and proven, under the name the message gives.
    let beside: Vec<String> = names(tmp.path())
        .into_iter()
        .filter(|n| n != "out")
        .collect();
    assert_eq!(beside.len(), 1);
    assert!(beside[0].starts_with("out.corridor-new-"), "{beside:?}");
    assert!(err.contains(&beside[0]), "{err}");
    let kept = tmp.path().join(&beside[0]);
    assert_eq!(fs::read_to_string(kept.join("run.json")).unwrap(), "2");
    assert!(matches!(inspect(&kept).unwrap(), State::Replaceable));

    // A folder created at an output path that was free when the run started.
    let fresh = tmp.path().join("fresh");
    let staging = Staging::new(&fresh, &[]).unwrap();
    staging.write("run.json", b"3").unwrap();
    fs::create_dir(&fresh).unwrap();
    fs::write(fresh.join("thesis.tex"), "mine").unwrap();
    let err = staging.commit().unwrap_err().to_string();
    assert!(
        err.contains("has no manifest.json, so corridor cannot prove it wrote thesis.tex"),
        "{err}"
    );
    assert_eq!(names(&fresh), ["thesis.tex"]);
}

#[test]
fn previous_contents_are_deleted_only_if_still_proven_after_the_swap() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // As the exchange leaves them: the previous set at the staging path.
    let prev = tmp.path().join(".out.tmp-1-abcdef");
    commit(&prev, &[("run.json", "1"), ("charts/a.svg", "a")]).unwrap();
    dispose(&prev, &out).unwrap();
    assert!(!prev.exists());

    commit(&prev, &[("run.json", "1"), ("charts/a.svg", "a")]).unwrap();
    fs::write(
        prev.join("charts/late.svg"),
        "added between the check and the swap",
    )
    .unwrap();
    let err = dispose(&prev, &out).unwrap_err().to_string();
    assert!(
        err.contains("changed while the new results were being put in place: charts/late.svg."),
        "{err}"
    );
    assert!(err.contains("nothing was deleted"), "{err}");
    let kept: Vec<String> = names(tmp.path());
    assert_eq!(kept.len(), 1);
    assert!(kept[0].starts_with("out.corridor-old-"), "{kept:?}");
    let kept = tmp.path().join(&kept[0]);
    assert_eq!(names(&kept.join("charts")), ["a.svg", "late.svg"]);
    assert_eq!(fs::read_to_string(kept.join("run.json")).unwrap(), "1");
}

#[test]
fn killed_runs_leftovers_are_removed_only_as_far_as_proven() {
    let tmp = tempfile::tempdir().unwrap();
    // A staging folder of a run killed while writing: its journal names what it created (the
    // last line cut short by the kill), the files have no manifest yet.
    let partial = tmp.path().join(".out.tmp-1-aaaaaa");
    fs::create_dir_all(partial.join("charts")).unwrap();
    fs::write(partial.join("summary.json"), "{\"half\": ").unwrap();
    fs::write(partial.join("charts/a.svg"), "<svg").unwrap();
    fs::write(
        partial.join(JOURNAL),
        "\"summary.json\"\n\"charts/a.svg\"\n\"charts/b.s",
    )
    .unwrap();
    clear_leftover(&partial).unwrap();
    assert!(!partial.exists());

    // The same with a file nobody journaled: untouched.
    fs::create_dir_all(&partial).unwrap();
    fs::write(partial.join("summary.json"), "{").unwrap();
    fs::write(partial.join("mine.txt"), "mine").unwrap();
    fs::write(partial.join(JOURNAL), "\"summary.json\"\n").unwrap();
    assert_eq!(clear_leftover(&partial).unwrap_err(), "mine.txt");
    assert_eq!(names(&partial), [JOURNAL, "mine.txt", "summary.json"]);

    // A set-aside previous result set, partly removed by a run killed while removing it.
    let aside = tmp.path().join(".out.old-1-bbbbbb");
    commit(&aside, &[("run.json", "1"), ("summary.json", "{}")]).unwrap();
    fs::remove_file(aside.join("run.json")).unwrap();
    clear_leftover(&aside).unwrap();
    assert!(!aside.exists());
}

#[test]
fn utc_stamps_are_calendar_dates() {
    assert_eq!(utc_stamp(0), "19700101-0000");
    // 2000-02-29 23:59:59 UTC: a leap day of a century leap year.
    assert_eq!(utc_stamp(951_868_799), "20000229-2359");
}

#[test]
fn the_output_folder_may_not_overlap_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("in/s.ron");
    fs::create_dir_all(scenario.parent().unwrap()).unwrap();
    fs::write(&scenario, "x").unwrap();
    let err = Staging::new(&tmp.path().join("in"), &[Input::new(&scenario)])
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("which this command reads, is inside --out"),
        "{err}"
    );
    assert_eq!(names(tmp.path()), ["in"]);
    assert_eq!(names(&tmp.path().join("in")), ["s.ron"]);
}
