//! Each demo run for a handful of frames at a tiny size, and what it produced checked: the
//! pictures decode at the right size, the simulation changed the world, and the world does
//! not depend on the number of threads. The binaries' flags are checked too.

use std::path::{Path, PathBuf};
use std::process::Command;

use cellar_demos::cli::Config;
use cellar_demos::{boids, ecosystem, particles, rollback};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cellar-demos-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn config(name: &str, entities: usize, frames: usize, threads: usize) -> Config {
    Config { threads, out: scratch(name), ..Config::new(entities, frames) }
}

/// Width, height and RGBA pixels of a PNG file.
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut reader = png::Decoder::new(file).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Width, height and frame count of a GIF file.
fn decode_gif(path: &Path) -> (u16, u16, usize) {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(std::fs::File::open(path).unwrap()).unwrap();
    let (w, h) = (decoder.width(), decoder.height());
    let mut frames = 0;
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        assert_eq!((frame.width, frame.height), (w, h));
        frames += 1;
    }
    (w, h, frames)
}

/// How many distinct colours a picture uses: a blank picture uses one.
fn colours(rgba: &[u8]) -> usize {
    let mut set: Vec<&[u8]> = rgba.chunks(4).collect();
    set.sort_unstable();
    set.dedup();
    set.len()
}

#[test]
fn boids_draw_the_flock_and_do_not_depend_on_threads() {
    let one = boids::run(&config("boids-1", 150, 4, 1)).unwrap();
    let three = boids::run(&config("boids-3", 150, 4, 3)).unwrap();
    assert_eq!(one.hash, three.hash, "the flock must not depend on the thread count");
    let start = cellar_demos::world_hash::hash_world::<(&boids::Position, &boids::Velocity)>(
        &boids::setup(&Config::new(150, 1)),
    );
    assert_ne!(one.hash, start, "the boids moved");

    let s = &three.summary;
    assert_eq!((s.entities_start, s.entities_end, s.frames.frames), (150, 150, 4));
    let names: Vec<&str> = s.systems.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["fill_grid", "separation", "alignment", "cohesion", "integrate"]);
    assert!(s.systems.iter().all(|s| s.runs == 4));

    let [gif_path, png_path] = &s.outputs[..] else { panic!("{:?}", s.outputs) };
    let (w, h, frames) = decode_gif(gif_path);
    assert_eq!(u32::from(w), boids::GIF_WIDTH);
    assert!(h > 0 && u32::from(h) < boids::GIF_WIDTH);
    assert_eq!(frames, 5, "the start and every frame of a short run");
    assert_eq!(frames, three.gif_frames);
    let (w, h, pixels) = decode_png(png_path);
    assert_eq!(w, boids::PNG_WIDTH);
    let world = boids::Rules::for_flock(150).world;
    assert_eq!(h, (world.y * boids::PNG_WIDTH as f32 / world.x).round() as u32);
    assert!(colours(&pixels) > 3, "boids drawn in several headings' colours");
}

#[test]
fn ecosystem_churns_and_charts_the_populations() {
    let one = ecosystem::run(&config("eco-1", 600, 40, 1)).unwrap();
    let two = ecosystem::run(&config("eco-2", 600, 40, 2)).unwrap();
    assert_eq!(one.hash, two.hash, "commands apply in a fixed order on any thread count");
    assert_eq!(one.populations, two.populations);

    let p = &two.populations;
    assert_eq!(p.len(), 41);
    assert_eq!(p[0].iter().sum::<usize>(), 600);
    assert!(p.iter().any(|q| q != &p[0]), "populations change");
    assert!(p.windows(2).any(|w| w[1][0] != w[0][0]), "grass is eaten or grows");
    assert!(two.commands_applied > 40, "entities come and go: {}", two.commands_applied);
    let ends = two.summary.entities_end;
    assert_eq!(ends, p[40].iter().sum::<usize>());

    let (w, h, pixels) = decode_png(&two.summary.outputs[0]);
    assert_eq!((w, h), ecosystem::CHART_SIZE);
    for c in ecosystem::COLORS {
        assert!(
            pixels.chunks(4).any(|px| px == [c.r, c.g, c.b, 255]),
            "the chart draws every series"
        );
    }
}

#[test]
fn particles_match_across_thread_counts_and_draw_a_picture() {
    let report = particles::run(&config("particles", 3_000, 6, 3)).unwrap();
    assert!(report.deterministic(), "{:x} vs {:x}", report.single.hash, report.parallel.hash);
    assert_eq!(report.single.summary.threads, 1);
    assert_eq!(report.parallel.summary.threads, 3);
    assert!(report.speedup > 0.0);
    let start = cellar_demos::world_hash::hash_world::<(&particles::Position, &particles::Velocity)>(
        &particles::setup(&Config::new(3_000, 1)),
    );
    assert_ne!(report.single.hash, start, "the particles moved");
    let other_seed = particles::run(&Config { seed: 2, ..config("particles-2", 3_000, 6, 2) });
    assert_ne!(other_seed.unwrap().single.hash, report.single.hash, "the seed matters");

    let (w, h, pixels) = decode_png(&report.picture);
    assert_eq!(w, particles::PNG_WIDTH);
    assert_eq!(h, 500);
    assert!(colours(&pixels) > 8, "a density picture, not a blank one");
}

#[test]
fn rollback_peers_converge_and_draw_the_arena_and_the_timeline() {
    let report = rollback::run(&config("rollback", 300, 120, 2)).unwrap();
    assert!(report.converged(), "{report:?}");
    let start = rollback::world_hash(&rollback::new_world(300, 1));
    assert_ne!(report.reference, start, "the ships pushed orbs");
    for peer in &report.peers {
        assert!(peer.rollbacks > 0 && peer.resimulated >= peer.rollbacks, "{peer:?}");
        assert_eq!(peer.timeline.len(), 120);
        let depths = peer.timeline.iter().filter(|&&d| d > 0.0).count();
        assert_eq!(depths, peer.rollbacks, "one timeline spike per rollback");
    }
    let other_seed = rollback::run(&Config { seed: 2, ..config("rollback-2", 300, 120, 1) });
    assert_ne!(other_seed.unwrap().reference, report.reference, "the seed matters");

    let [arena, timeline] = &report.outputs[..] else { panic!("{:?}", report.outputs) };
    let (w, h, pixels) = decode_png(arena);
    assert_eq!(w, rollback::ARENA_WIDTH);
    assert!(h > w, "the arena with a title above and a legend below: {w}x{h}");
    for c in rollback::PLAYER_COLORS {
        assert!(pixels.chunks(4).any(|px| px == [c.r, c.g, c.b, 255]), "both ships drawn");
    }
    let (w, h, pixels) = decode_png(timeline);
    assert_eq!((w, h), rollback::CHART_SIZE);
    for c in rollback::PLAYER_COLORS {
        assert!(pixels.chunks(4).any(|px| px == [c.r, c.g, c.b, 255]), "both peers charted");
    }
}

#[test]
fn binaries_refuse_bad_flags_with_a_message() {
    for (bin, args) in [
        (env!("CARGO_BIN_EXE_boids"), &["--entities", "0"][..]),
        (env!("CARGO_BIN_EXE_ecosystem"), &["--threads", "0"][..]),
        (env!("CARGO_BIN_EXE_particles"), &["--frames", "lots"][..]),
        (env!("CARGO_BIN_EXE_rollback"), &["--seed", "-1"][..]),
        (env!("CARGO_BIN_EXE_boids"), &["--flock"][..]),
    ] {
        let out = Command::new(bin).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bin} {args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("error:") && err.contains(args[0]), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_binary_runs_and_prints_its_summary() {
    let dir = scratch("bin");
    let out = Command::new(env!("CARGO_BIN_EXE_particles"))
        .args(["--entities", "500", "--frames", "2", "--threads", "2", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    for needle in ["2 frames on 1 thread", "2 frames on 2 threads", "attract", "speed-up"] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    assert!(text.contains("the hashes match"), "{text}");
    assert!(dir.join("particles.png").is_file());

    let (code, stdout, stderr) = run_bin(
        env!("CARGO_BIN_EXE_rollback"),
        &["--entities", "200", "--frames", "60", "--out", dir.to_str().unwrap()],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.starts_with("rollback: 200 entities, 60 frames on "), "{stderr}");
    for needle in ["peer 0:", "peer 1:", "rollbacks", "reference world hash", "converged"] {
        assert!(stdout.contains(needle), "{needle}: {stdout}");
    }
    assert!(dir.join("rollback.png").is_file() && dir.join("rollback-timeline.png").is_file());
}

/// Runs a demo binary with `args`; returns its exit code, stdout and stderr.
fn run_bin(bin: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(bin).args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn the_largest_allowed_runs_fit_in_minutes_and_bigger_ones_are_refused_at_once() {
    for demo in [boids::DEMO, ecosystem::DEMO, particles::DEMO, rollback::DEMO] {
        let largest = Config { threads: 1, ..Config::new(demo.max_entities, demo.frames) };
        let estimate = largest.estimate(&demo);
        assert!(estimate <= cellar_demos::cli::MAX_RUN, "{}: {estimate:?}", demo.name);
    }
    // The old maximum, ten million, is now out of range, and says what the range is.
    let (code, stdout, stderr) = run_bin(env!("CARGO_BIN_EXE_boids"), &["--entities", "10000000"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("10000000 is out of range: use 1 to 100,000"), "{stderr}");
    assert!(stdout.is_empty());
    // In range on each flag, too long together: refused before anything is written.
    let dir = scratch("too-long");
    let (code, _, stderr) = run_bin(
        env!("CARGO_BIN_EXE_particles"),
        &["--entities", "2000000", "--frames", "1000000", "--out", dir.to_str().unwrap()],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("would take about") && stderr.contains("or fewer"), "{stderr}");
    assert!(!dir.join("particles.png").exists());
}

#[test]
fn every_run_says_what_it_will_do_and_how_long_on_stderr_even_when_piped() {
    let dir = scratch("plan");
    let (code, stdout, stderr) = run_bin(
        env!("CARGO_BIN_EXE_ecosystem"),
        &["--entities", "300", "--frames", "3", "--threads", "1", "--out", dir.to_str().unwrap()],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let plan = stderr.lines().next().unwrap_or_default();
    assert!(plan.starts_with("ecosystem: 300 entities, 3 frames on 1 thread; about "), "{plan}");
    assert!(plan.contains(&dir.join("ecosystem.png").display().to_string()), "{plan}");
    assert!(stdout.contains("3 frames on 1 thread"), "{stdout}");
}

#[test]
fn threads_beyond_the_cores_get_a_warning_and_absurd_counts_are_refused() {
    let cores = cellar_demos::cli::available_threads();
    let many = (cores + 1).to_string();
    let dir = scratch("threads");
    let (code, _, stderr) = run_bin(
        env!("CARGO_BIN_EXE_boids"),
        &["--entities", "50", "--frames", "1", "--threads", &many, "--out", dir.to_str().unwrap()],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let warning = format!("warning: --threads {many} is more than the {cores} core");
    assert!(stderr.contains(&warning), "{stderr}");
    let (code, _, stderr) = run_bin(env!("CARGO_BIN_EXE_boids"), &["--threads", "1024"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("1024 is out of range: use 1 to 256"), "{stderr}");
}

#[test]
fn negative_numbers_are_values_out_of_range_not_unknown_flags() {
    for (bin, flag) in [
        (env!("CARGO_BIN_EXE_boids"), "--entities"),
        (env!("CARGO_BIN_EXE_ecosystem"), "--frames"),
        (env!("CARGO_BIN_EXE_particles"), "--threads"),
        (env!("CARGO_BIN_EXE_rollback"), "--entities"),
    ] {
        let (code, _, stderr) = run_bin(bin, &[flag, "-5"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("-5 is out of range: use 1 to"), "{stderr}");
        assert!(stderr.contains(flag), "{stderr}");
        assert!(!stderr.contains("unexpected argument"), "{stderr}");
    }
}

#[test]
fn a_bad_out_fails_before_the_run_naming_the_path_and_what_to_do() {
    let dir = scratch("bad-out");
    let file = dir.join("a-file");
    std::fs::write(&file, b"").unwrap();
    let cases = [
        (PathBuf::from("/proc/nope"), "cannot create the directory `/proc/nope`"),
        (PathBuf::from("/proc"), "cannot write in the directory `/proc`"),
        (file.clone(), "is a file, not a directory"),
    ];
    for (out, problem) in cases {
        let (code, stdout, stderr) = run_bin(
            env!("CARGO_BIN_EXE_boids"),
            &["--entities", "50", "--frames", "1", "--out", out.to_str().unwrap()],
        );
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(problem), "{stderr}");
        assert!(stderr.contains(&format!("`{}`", out.display())), "{stderr}");
        assert!(stderr.contains("--out DIR"), "what to do: {stderr}");
        assert!(!stderr.contains("about"), "refused before the plan: {stderr}");
        assert!(stdout.is_empty(), "nothing simulated: {stdout}");
    }
}

#[test]
fn a_directory_where_a_picture_goes_fails_before_the_run() {
    let dir = scratch("dir-in-the-way");
    let in_the_way = dir.join("boids.png");
    std::fs::create_dir_all(&in_the_way).unwrap();
    let (code, stdout, stderr) = run_bin(
        env!("CARGO_BIN_EXE_boids"),
        &["--entities", "50", "--frames", "1", "--out", dir.to_str().unwrap()],
    );
    assert_eq!(code, Some(2), "{stderr}");
    let named = format!("`{}` exists and is a directory", in_the_way.display());
    assert!(stderr.contains(&named), "{stderr}");
    assert!(stderr.contains("remove it"), "{stderr}");
    assert!(stdout.is_empty());
    assert!(!dir.join("boids.gif").exists(), "the animation is not written first");

    // The library checks too, before simulating: tests and embedders get the same error.
    let err = boids::run(&Config { out: dir.clone(), ..Config::new(50, 1) }).unwrap_err();
    assert_eq!(err.path(), in_the_way);
    assert!(!dir.join("boids.gif").exists());
}
