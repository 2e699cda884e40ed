//! Rollback: two peers play one deterministic game over a channel with delay and jitter,
//! GGPO-style, on snapshots.
//!
//! Each peer steers a ship through an arena of resting orbs; a ship pushes the orbs it
//! touches, and they slide until friction stops them. Every frame each peer sends its input
//! to the other, and simulates the frame at once with its own input and a *prediction* of the
//! other's (the last input it received). Before simulating a frame it takes a snapshot into
//! a ring ([`RING`] frames). When a late input shows that a frame was simulated with a wrong
//! prediction, the peer restores the snapshot from before that frame and re-simulates up to
//! the present.
//!
//! Orbs at rest are not written, so a frame changes a few hundred rows of thousands: the
//! snapshots are incremental and cost what a frame changed, and a restore copies back only
//! what changed since the frame it returns to.
//!
//! [`run`] checks that both peers end with the world hash of a reference run that had every
//! input at once (zero latency), and draws the arena and a timeline of the rollbacks.
//!
//! # Examples
//!
//! ```
//! use cellar_demos::{cli::Config, rollback};
//!
//! let mut config = Config::new(300, 120);
//! config.out = std::env::temp_dir().join("cellar-demos-rollback-doc");
//! let report = rollback::run(&config).unwrap();
//! assert!(report.converged());
//! assert!(report.peers[0].rollbacks > 0);
//! ```

use std::time::{Duration, Instant};

use cellar::Snapshot;
use cellar::prelude::*;
use glam::Vec2;
use rand::RngExt;

use crate::canvas::{Canvas, Point};
use crate::chart::LineChart;
use crate::cli::{Config, Cost, Demo, group};
use crate::color::Rgba;
use crate::output::FileError;
use crate::png_writer::write_png;
use crate::progress::Progress;
use crate::rng::{self, Rng};
use crate::text::{Anchor, TextStyle};
use crate::world_hash::{HashBits, StableHasher, hash_world};

/// The demo's name and defaults.
pub const DEMO: Demo = Demo {
    name: "rollback",
    about: "Two peers play one game over a channel with delay and jitter, predicting each \
            other's inputs and rolling back on a misprediction (snapshots in a ring); checks \
            both end at the zero-latency world hash. Writes rollback.png and \
            rollback-timeline.png.",
    entities: 5_000,
    max_entities: MAX_ORBS,
    frames: 600,
    // 83 ns an entity at 10,000 on one thread, 122 ns at 500,000 (0.8 ms, 61 ms a frame),
    // for the reference and both peers. On two threads the peers advance side by side, but
    // the loaded machine showed no gain, so the figure is 1.7x the one-thread cost: the
    // estimate for two threads stays near what was measured. The pictures add about 0.3 s.
    cost: Cost { ns_per_entity: 140.0, growth: 0.1, ns_per_frame: 0.0, one_thread_pass: false },
    outputs: &["rollback.png", "rollback-timeline.png"],
};

/// The most orbs: each peer keeps [`RING`] snapshots, and the first take into each slot
/// copies the whole world.
pub const MAX_ORBS: usize = 500_000;

/// The channel's fixed delay, in frames.
pub const DELAY: u64 = 3;
/// The most the channel adds to the delay at random, in frames.
pub const JITTER: u64 = 4;
/// How many frames of snapshots each peer keeps (more than the longest delay).
pub const RING: usize = 16;
/// How long a player holds one input, in frames (then picks another at random).
pub const HOLD: u64 = 10;
// A late input never reaches further back than the ring: the longest trip is DELAY + JITTER.
const _: () = assert!(DELAY + JITTER < RING as u64);
/// The arena's side.
const ARENA: f32 = 512.0;
/// How near a ship must come to push an orb.
const REACH: f32 = 14.0;

// ANCHOR: components
/// Where a ship or an orb is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Position(pub Vec2);

/// How fast it moves, in units a frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Velocity(pub Vec2);

/// A ship, steered by player 0 or 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ship(pub u8);

/// An orb, pushed by the ships.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Orb;

/// The number of frames simulated (a resource).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Frame(pub u64);
// ANCHOR_END: components

impl HashBits for Position {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.0.hash_bits(h);
    }
}

impl HashBits for Velocity {
    fn hash_bits(&self, h: &mut StableHasher) {
        self.0.hash_bits(h);
    }
}

/// One player's input for one frame: 0 to coast, 1 to 8 to thrust toward a compass point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Input(pub u8);

impl Input {
    fn thrust(self) -> Vec2 {
        match self.0 {
            0 => Vec2::ZERO,
            d => Vec2::from_angle(f32::from(d - 1) * std::f32::consts::FRAC_PI_4) * 0.25,
        }
    }
}

/// What player `player` really does in frame `frame`: a new random input every [`HOLD`]
/// frames, so that predicting "as last time" is usually right.
pub fn true_input(seed: u64, player: usize, frame: u64) -> Input {
    Input(rng::keyed(seed, &[player as u64, frame / HOLD]).random_range(0..9))
}

// ANCHOR: world
/// The starting world: two ships in the middle, `orbs` orbs at rest, everything the
/// snapshots copy registered (all `Copy`: one memcpy per column).
pub fn new_world(orbs: usize, seed: u64) -> World {
    let mut world = World::new();
    world.register_snapshot_copy::<Position>();
    world.register_snapshot_copy::<Velocity>();
    world.register_snapshot_copy::<Ship>();
    world.register_snapshot_copy::<Orb>();
    world.register_snapshot_resource::<Frame>();
    world.insert_resource(Frame(0));
    for player in 0..2u8 {
        let x = ARENA * (0.4 + 0.2 * f32::from(player));
        world.spawn((Position(Vec2::new(x, ARENA / 2.0)), Velocity(Vec2::ZERO), Ship(player)));
    }
    let mut rng = rng::seeded(seed);
    world.spawn_batch((0..orbs).map(|_| {
        let at = Vec2::new(rng.random_range(0.0..ARENA), rng.random_range(0.0..ARENA));
        (Position(at), Velocity(Vec2::ZERO), Orb)
    }));
    world
}
// ANCHOR_END: world

/// Keeps a body in the arena, bouncing off the walls.
fn bounce(p: &mut Vec2, v: &mut Vec2) {
    for (x, vx) in [(&mut p.x, &mut v.x), (&mut p.y, &mut v.y)] {
        if *x < 0.0 {
            *x = -*x;
            *vx = -*vx;
        } else if *x > ARENA {
            *x = 2.0 * ARENA - *x;
            *vx = -*vx;
        }
    }
}

/// Scratch for [`step`]: the orbs that move this frame.
#[derive(Debug, Default)]
pub struct Scratch {
    moving: Vec<(Entity, Vec2, Vec2)>,
}

// ANCHOR: step
/// One frame of the game. Only moving orbs are written (with `get_mut`, which marks just
/// their rows changed), so a snapshot taken incrementally copies just them.
pub fn step(world: &mut World, inputs: [Input; 2], scratch: &mut Scratch) {
    let mut ships = [Vec2::ZERO; 2];
    for (p, v, ship) in world.query_mut::<(&mut Position, &mut Velocity, &Ship)>() {
        v.0 = (v.0 + inputs[usize::from(ship.0)].thrust()) * 0.95;
        p.0 += v.0;
        bounce(&mut p.0, &mut v.0);
        ships[usize::from(ship.0)] = p.0;
    }
    scratch.moving.clear();
    for (e, p, v, _) in world.query::<(Entity, &Position, &Velocity, &Orb)>() {
        let mut v = v.0;
        for ship in ships {
            let away = p.0 - ship;
            let d2 = away.length_squared();
            if d2 > 0.0 && d2 < REACH * REACH {
                v += away.normalize() * 0.6;
            }
        }
        if v != Vec2::ZERO {
            scratch.moving.push((e, p.0, v));
        }
    }
    for &(e, mut p, mut v) in &scratch.moving {
        p += v;
        bounce(&mut p, &mut v);
        v *= 0.9;
        if v.length_squared() < 1e-4 {
            v = Vec2::ZERO;
        }
        *world.get_mut::<Position>(e).expect("a live orb") = Position(p);
        *world.get_mut::<Velocity>(e).expect("a live orb") = Velocity(v);
    }
    world.resource_mut::<Frame>().expect("inserted by new_world").0 += 1;
}
// ANCHOR_END: step

/// The hash both peers must end with.
pub fn world_hash(world: &World) -> u64 {
    hash_world::<(&Position, &Velocity)>(world)
}

/// An input in flight from one peer to the other.
#[derive(Clone, Copy, Debug)]
struct Message {
    arrives: u64,
    to: usize,
    frame: u64,
    input: Input,
}

/// A channel with a fixed delay and a random jitter (messages may overtake each other).
#[derive(Debug)]
struct Channel {
    in_flight: Vec<Message>,
    rng: Rng,
}

impl Channel {
    fn send(&mut self, now: u64, to: usize, frame: u64, input: Input) {
        let arrives = now + DELAY + self.rng.random_range(0..=JITTER);
        self.in_flight.push(Message { arrives, to, frame, input });
    }

    /// The messages that have arrived by `now`.
    fn deliver(&mut self, now: u64) -> Vec<Message> {
        let (arrived, still) =
            std::mem::take(&mut self.in_flight).into_iter().partition(|m| m.arrives <= now);
        self.in_flight = still;
        arrived
    }
}

// ANCHOR: peer
/// One peer: its world, its ring of snapshots, the inputs it knows and the ones it used.
#[derive(Debug)]
pub struct Peer {
    /// Which player this peer is.
    pub me: usize,
    /// The peer's world, after `frame` frames.
    pub world: World,
    /// Frames simulated.
    pub frame: u64,
    ring: Vec<Snapshot>,
    /// By player, by frame: the inputs received (or made, for `me`).
    known: [Vec<Option<Input>>; 2],
    /// By frame: the inputs the frame was last simulated with.
    used: Vec<[Input; 2]>,
    /// The earliest frame simulated with a prediction that turned out wrong.
    wrong_from: Option<u64>,
    scratch: Scratch,
    /// What rolling back cost this peer.
    pub stats: PeerStats,
}

/// What one peer did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeerStats {
    /// How many times it rolled back.
    pub rollbacks: usize,
    /// How many frames it re-simulated.
    pub resimulated: usize,
    /// Rows its snapshots copied, in all.
    pub rows_copied: usize,
    /// Rows its restores copied back, in all.
    pub rows_restored: usize,
    /// Time taking snapshots.
    pub snapshot_time: Duration,
    /// Time restoring.
    pub restore_time: Duration,
    /// Time simulating frames (re-simulations included).
    pub step_time: Duration,
    /// By frame: how many frames the peer went back when it got there (0: none).
    pub timeline: Vec<f32>,
}

impl Peer {
    fn new(me: usize, world: World, frames: usize) -> Self {
        Peer {
            me,
            world,
            frame: 0,
            ring: (0..RING).map(|_| Snapshot::new()).collect(),
            known: [vec![None; frames], vec![None; frames]],
            used: vec![[Input::default(); 2]; frames],
            wrong_from: None,
            scratch: Scratch::default(),
            stats: PeerStats { timeline: vec![0.0; frames], ..PeerStats::default() },
        }
    }

    /// The input of `player` in `frame`: known, or predicted as the last one known before.
    fn input(&self, player: usize, frame: u64) -> Input {
        let known = &self.known[player][..=frame as usize];
        known.iter().rev().find_map(|i| *i).unwrap_or_default()
    }

    /// Learns `player`'s input for `frame`; notes a misprediction if that frame was
    /// simulated with another.
    fn receive(&mut self, player: usize, frame: u64, input: Input) {
        self.known[player][frame as usize] = Some(input);
        // A frame simulated with a prediction, and later frames predicted from it.
        if frame < self.frame && self.used[frame as usize][player] != input {
            self.wrong_from = Some(self.wrong_from.map_or(frame, |f| f.min(frame)));
        }
    }

    /// Simulates the next frame, after a snapshot of the state before it.
    fn advance(&mut self) {
        let f = self.frame;
        let slot = &mut self.ring[f as usize % RING];
        let start = Instant::now();
        self.world.snapshot_into(slot).expect("every type is registered");
        self.stats.snapshot_time += start.elapsed();
        self.stats.rows_copied += slot.copied_rows();
        let inputs = [self.input(0, f), self.input(1, f)];
        let start = Instant::now();
        step(&mut self.world, inputs, &mut self.scratch);
        self.stats.step_time += start.elapsed();
        self.used[f as usize] = inputs;
        self.frame += 1;
    }

    /// Rolls back to the earliest mispredicted frame, if any, and re-simulates to the present.
    fn correct(&mut self) {
        let Some(from) = self.wrong_from.take() else { return };
        let now = self.frame;
        // An input is at most DELAY + JITTER frames late, fewer than the ring holds.
        assert!(
            now - from <= RING as u64,
            "a rollback of {} frames: the ring holds {RING}",
            now - from
        );
        let start = Instant::now();
        let rows = self
            .world
            .restore(&self.ring[from as usize % RING])
            .expect("the snapshot was taken of this world, with every type registered");
        self.stats.restore_time += start.elapsed();
        self.stats.rows_restored += rows;
        self.stats.rollbacks += 1;
        self.stats.timeline[now as usize - 1] = (now - from) as f32;
        self.frame = from;
        while self.frame < now {
            self.advance();
            self.stats.resimulated += 1;
        }
    }

    /// One tick of the network loop: roll back if an arrival showed a wrong prediction, then
    /// simulate the next frame.
    fn tick(&mut self) {
        self.correct();
        self.advance();
    }
}
// ANCHOR_END: peer

/// What a run found.
#[derive(Debug)]
pub struct Report {
    /// Each peer's counts and times.
    pub peers: [PeerStats; 2],
    /// Each peer's final world hash.
    pub hashes: [u64; 2],
    /// The hash of the reference run, which had every input at once.
    pub reference: u64,
    /// Time per frame of the reference run (no snapshots, no rollbacks).
    pub plain_frame: Duration,
    /// Frames simulated per peer.
    pub frames: usize,
    /// The pictures written: the arena, then the timeline.
    pub outputs: Vec<std::path::PathBuf>,
    /// Wall time in all.
    pub wall: Duration,
}

impl Report {
    /// Whether both peers ended where the reference run ended.
    pub fn converged(&self) -> bool {
        self.hashes == [self.reference; 2]
    }
}

/// The colours of the two players: their ships, trails and timeline series.
pub const PLAYER_COLORS: [Rgba; 2] = [Rgba::rgb(240, 90, 70), Rgba::rgb(80, 150, 250)];
/// The arena picture's width; its height adds a title band and a legend band.
pub const ARENA_WIDTH: u32 = 720;
/// The timeline chart's width and height, in pixels.
pub const CHART_SIZE: (u32, u32) = (960, 480);

/// Runs the reference and the two peers, and writes `rollback.png` (the arena at the end)
/// and `rollback-timeline.png` (how far each peer went back, frame by frame) into
/// `config.out`. The two peers advance side by side on the configured thread pool.
///
/// # Errors
///
/// Where the output directory or a picture cannot be used, checked before the first frame
/// (see [`Config::check`]), or a picture cannot be written at the end.
pub fn run(config: &Config) -> Result<Report, FileError> {
    let wall = Instant::now();
    let outputs = config.check(&DEMO)?;
    let pool = config.thread_pool();
    let frames = config.frames;
    let seed = config.seed;

    // The reference: every input at once.
    let mut reference = new_world(config.entities, seed);
    let mut scratch = Scratch::default();
    let mut trails = [Vec::new(), Vec::new()];
    let start = Instant::now();
    for f in 0..frames as u64 {
        step(&mut reference, [true_input(seed, 0, f), true_input(seed, 1, f)], &mut scratch);
        for (p, ship) in reference.query::<(&Position, &Ship)>() {
            trails[usize::from(ship.0)].push(p.0);
        }
    }
    let plain_frame = start.elapsed() / frames as u32;

    let [mut a, mut b] = [0, 1].map(|me| Peer::new(me, new_world(config.entities, seed), frames));
    let mut channel = Channel { in_flight: Vec::new(), rng: rng::keyed(seed, &[0xc4a7]) };
    let progress = Progress::new(DEMO.name, frames, config.progress);
    for t in 0..frames as u64 {
        for peer in [&mut a, &mut b] {
            let input = true_input(seed, peer.me, t);
            peer.known[peer.me][t as usize] = Some(input);
            channel.send(t, 1 - peer.me, t, input);
        }
        for m in channel.deliver(t) {
            [&mut a, &mut b][m.to].receive(1 - m.to, m.frame, m.input);
        }
        // The peers share nothing but the channel: they simulate side by side.
        pool.join(|| a.tick(), || b.tick());
        progress.tick();
    }
    // The last inputs are still in flight: let them land.
    for t in frames as u64..frames as u64 + DELAY + JITTER + 1 {
        for m in channel.deliver(t) {
            [&mut a, &mut b][m.to].receive(1 - m.to, m.frame, m.input);
        }
        a.correct();
        b.correct();
    }
    progress.finish();

    let hashes = [world_hash(&a.world), world_hash(&b.world)];
    let arena = outputs.path("rollback.png");
    write_png(&arena, &draw_arena(&reference, &trails, frames))?;
    let title = format!(
        "Rollback: how many frames each peer went back, by frame ({} orbs, delay {DELAY} + up to \
         {JITTER} frames, seed {seed})",
        group(config.entities),
    );
    let mut chart = LineChart::new(
        title,
        "frame of the game (a spike: the peer went back that many frames there)",
    );
    for peer in [&a, &b] {
        chart.add_series(
            format!("peer {}: frames rolled back", peer.me),
            PLAYER_COLORS[peer.me],
            peer.stats.timeline.iter().copied(),
        );
    }
    let timeline = outputs.path("rollback-timeline.png");
    write_png(&timeline, &chart.render(CHART_SIZE.0, CHART_SIZE.1))?;

    Ok(Report {
        peers: [a.stats, b.stats],
        hashes,
        reference: world_hash(&reference),
        plain_frame,
        frames,
        outputs: vec![arena, timeline],
        wall: wall.elapsed(),
    })
}

const ARENA_BACKGROUND: Rgba = Rgba::rgb(18, 20, 28);
const ORB_AT_REST: Rgba = Rgba::rgb(90, 100, 120);
const ORB_MOVING: Rgba = Rgba::rgb(250, 220, 120);
const CAPTION: Rgba = Rgba::rgb(235, 235, 240);
const TITLE_BAND: f32 = 58.0;
const LEGEND_BAND: f32 = 34.0;

/// The arena at the end of the reference run (where both peers must end): orbs at rest and
/// still moving, the ships' trails over `frames` frames, a title and a legend.
///
/// ```
/// use cellar_demos::rollback::{self, ARENA_WIDTH};
/// let world = rollback::new_world(50, 1);
/// let canvas = rollback::draw_arena(&world, &[vec![], vec![]], 0);
/// assert_eq!(canvas.width(), ARENA_WIDTH);
/// ```
pub fn draw_arena(world: &World, trails: &[Vec<Vec2>; 2], frames: usize) -> Canvas {
    let scale = ARENA_WIDTH as f32 / ARENA;
    let height = (ARENA * scale + TITLE_BAND + LEGEND_BAND) as u32;
    let mut canvas = Canvas::new(ARENA_WIDTH, height, ARENA_BACKGROUND);
    let at = |p: Vec2| -> Point { (p.x * scale, p.y * scale + TITLE_BAND) };
    let mut orbs = 0;
    for (p, v, _) in world.query::<(&Position, &Velocity, &Orb)>() {
        let color = if v.0 == Vec2::ZERO { ORB_AT_REST } else { ORB_MOVING };
        canvas.disc(at(p.0), 1.6, color);
        orbs += 1;
    }
    for (trail, color) in trails.iter().zip(PLAYER_COLORS) {
        let points: Vec<Point> = trail.iter().map(|&p| at(p)).collect();
        canvas.polyline(&points, 1.5, Rgba { a: 200, ..color });
        if let Some(&end) = points.last() {
            canvas.disc(end, 7.0, color);
            canvas.ring(end, 7.0, 1.5, Rgba::WHITE);
        }
    }

    let w = ARENA_WIDTH as f32;
    let shade = Rgba::rgb(30, 33, 44);
    canvas.rect(0.0, 0.0, w, TITLE_BAND, shade);
    let title = format!("Rollback: the arena after {} frames, where both peers end", group(frames));
    canvas.text(&title, (14.0, 8.0), Anchor::TopLeft, TextStyle::new(20.0, CAPTION));
    let about = format!(
        "{} orbs pushed by two ships; each peer predicts the other's input and rolls back \
         when it was wrong",
        group(orbs)
    );
    canvas.text(&about, (14.0, 36.0), Anchor::TopLeft, TextStyle::new(13.0, CAPTION));

    let h = canvas.height() as f32;
    canvas.rect(0.0, h - LEGEND_BAND, w, LEGEND_BAND, shade);
    let style = TextStyle::new(13.0, CAPTION);
    let y = h - LEGEND_BAND / 2.0;
    let mut x = 14.0;
    for (k, color) in PLAYER_COLORS.into_iter().enumerate() {
        canvas.line((x, y), (x + 18.0, y), 2.0, color);
        canvas.disc((x + 18.0, y), 5.0, color);
        x += 30.0;
        x += canvas.text(&format!("ship {k} and its trail"), (x, y), Anchor::MiddleLeft, style);
        x += 24.0;
    }
    for (color, name) in [(ORB_AT_REST, "orb at rest"), (ORB_MOVING, "orb still sliding")] {
        canvas.disc((x + 4.0, y), 3.0, color);
        x += 14.0;
        x += canvas.text(name, (x, y), Anchor::MiddleLeft, style);
        x += 24.0;
    }
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(orbs: usize, frames: usize, seed: u64) -> Config {
        let mut config = Config::new(orbs, frames);
        config.seed = seed;
        config.out = std::env::temp_dir().join("cellar-demos-rollback-test");
        config
    }

    #[test]
    fn both_peers_end_at_the_reference_hash_after_rolling_back() {
        for seed in 1..4 {
            let report = run(&config(400, 200, seed)).unwrap();
            assert!(report.converged(), "seed {seed}: {report:?}");
            for peer in &report.peers {
                assert!(peer.rollbacks > 0 && peer.resimulated >= peer.rollbacks);
            }
        }
    }

    #[test]
    fn without_rolling_back_the_peers_would_diverge() {
        // The same run, each peer keeping its predictions: the worlds differ from the
        // reference, so the check above is not vacuous.
        let seed = 2;
        let frames = 150u64;
        let mut reference = new_world(300, seed);
        let mut guessing = new_world(300, seed);
        let (mut s1, mut s2) = (Scratch::default(), Scratch::default());
        for f in 0..frames {
            let truth = [true_input(seed, 0, f), true_input(seed, 1, f)];
            step(&mut reference, truth, &mut s1);
            // Player 1's input as seen DELAY frames late.
            let late = true_input(seed, 1, f.saturating_sub(DELAY));
            step(&mut guessing, [truth[0], late], &mut s2);
        }
        assert_ne!(world_hash(&reference), world_hash(&guessing));
    }

    #[test]
    fn snapshots_are_incremental() {
        let report = run(&config(2_000, 100, 1)).unwrap();
        let peer = &report.peers[0];
        let takes = report.frames + peer.resimulated;
        // Three columns of 2,002 rows: 6,006 rows a take if copied whole.
        assert!(peer.rows_copied < takes * 6_006 / 3, "{} rows in {takes} takes", peer.rows_copied);
    }
}
