//! Each demo run for a handful of frames at a tiny size, and what it produced checked: the
//! pictures decode at the right size, the simulation changed the world, and the world does
//! not depend on the number of threads. The binaries' flags are checked too.

use std::path::{Path, PathBuf};
use std::process::Command;

use cellar_demos::cli::Config;
use cellar_demos::{boids, ecosystem, particles};

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
    assert_eq!((w, h), (900, 420));
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
fn binaries_refuse_bad_flags_with_a_message() {
    for (bin, args) in [
        (env!("CARGO_BIN_EXE_boids"), &["--entities", "0"][..]),
        (env!("CARGO_BIN_EXE_ecosystem"), &["--threads", "0"][..]),
        (env!("CARGO_BIN_EXE_particles"), &["--frames", "lots"][..]),
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
}
