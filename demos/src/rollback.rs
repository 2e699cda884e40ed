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

use std::io;
use std::time::{Duration, Instant};

use cellar::Snapshot;
use cellar::prelude::*;

use crate::canvas::Canvas;
use crate::chart::LineChart;
use crate::cli::{Config, Demo};
use crate::color::Rgba;
use crate::png_writer::write_png;
use crate::progress::Progress;
use crate::rng::Rng;
use crate::vec2::Vec2;
use crate::world_hash::{HashBits, StableHasher, hash_world};

/// The demo's name and defaults.
pub const DEMO: Demo = Demo {
    name: "rollback",
    about: "Two peers play one game over a channel with delay and jitter, predicting each \
            other's inputs and rolling back on a misprediction (snapshots in a ring); checks \
            both end at the zero-latency world hash. Writes rollback.png and \
            rollback-timeline.png.",
    entities: 5_000,
    frames: 600,
};

/// The channel's fixed delay, in frames.
pub const DELAY: u64 = 3;
/// The most the channel adds to the delay at random, in frames.
pub const JITTER: u64 = 4;
/// How many frames of snapshots each peer keeps (more than the longest delay).
pub const RING: usize = 16;
/// How long a player holds one input, in frames (then picks another at random).
pub const HOLD: u64 = 10;
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
    Input(Rng::keyed(seed, &[player as u64, frame / HOLD]).below(9) as u8)
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
    let mut rng = Rng::new(seed);
    world.spawn_batch((0..orbs).map(|_| {
        let at = Vec2::new(rng.range(0.0, ARENA), rng.range(0.0, ARENA));
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
                v += away.with_length(0.6);
            }
        }
        if v != Vec2::ZERO {
            scratch.moving.push((e, p.0, v));
        }
    }
    for &(e, mut p, mut v) in &scratch.moving {
        p += v;
        bounce(&mut p, &mut v);
        v = v * 0.9;
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
        let arrives = now + DELAY + u64::from(self.rng.below(JITTER as u32 + 1));
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
    fn correct(&mut self) -> Result<(), String> {
        let Some(from) = self.wrong_from.take() else { return Ok(()) };
        let now = self.frame;
        if now - from > RING as u64 {
            return Err(format!("a rollback of {} frames: the ring holds {RING}", now - from));
        }
        let start = Instant::now();
        let rows =
            self.world.restore(&self.ring[from as usize % RING]).map_err(|e| e.to_string())?;
        self.stats.restore_time += start.elapsed();
        self.stats.rows_restored += rows;
        self.stats.rollbacks += 1;
        self.stats.timeline[now as usize - 1] = (now - from) as f32;
        self.frame = from;
        while self.frame < now {
            self.advance();
            self.stats.resimulated += 1;
        }
        Ok(())
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
    /// Wall time in all.
    pub wall: Duration,
}

impl Report {
    /// Whether both peers ended where the reference run ended.
    pub fn converged(&self) -> bool {
        self.hashes == [self.reference; 2]
    }
}

/// Runs the reference and the two peers, and writes the pictures.
///
/// # Errors
///
/// Where the pictures cannot be written, or a rollback would go past the ring.
pub fn run(config: &Config) -> io::Result<Report> {
    let wall = Instant::now();
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

    let mut peers = [0, 1].map(|me| Peer::new(me, new_world(config.entities, seed), frames));
    let mut channel = Channel { in_flight: Vec::new(), rng: Rng::keyed(seed, &[0xc4a7]) };
    let progress = Progress::new("rollback", frames, config.progress);
    let fail = |e: String| io::Error::other(e);
    for t in 0..frames as u64 {
        for peer in &mut peers {
            let input = true_input(seed, peer.me, t);
            peer.known[peer.me][t as usize] = Some(input);
            channel.send(t, 1 - peer.me, t, input);
        }
        for m in channel.deliver(t) {
            peers[m.to].receive(1 - m.to, m.frame, m.input);
        }
        for peer in &mut peers {
            peer.correct().map_err(fail)?;
            peer.advance();
        }
        progress.tick();
    }
    // The last inputs are still in flight: let them land.
    for t in frames as u64..frames as u64 + DELAY + JITTER + 1 {
        for m in channel.deliver(t) {
            peers[m.to].receive(1 - m.to, m.frame, m.input);
        }
        for peer in &mut peers {
            peer.correct().map_err(fail)?;
        }
    }
    progress.finish();

    let hashes = [world_hash(&peers[0].world), world_hash(&peers[1].world)];
    write_png(&config.output("rollback.png")?, &draw_arena(&reference, &trails))?;
    let mut chart = LineChart::new();
    chart.add_series(
        "peer 0: frames rolled back",
        Rgba::rgb(200, 60, 40),
        peers[0].stats.timeline.clone(),
    );
    chart.add_series(
        "peer 1: frames rolled back",
        Rgba::rgb(40, 90, 200),
        peers[1].stats.timeline.clone(),
    );
    write_png(&config.output("rollback-timeline.png")?, &chart.render(900, 260))?;

    let [a, b] = peers;
    Ok(Report {
        peers: [a.stats, b.stats],
        hashes,
        reference: world_hash(&reference),
        plain_frame,
        frames,
        wall: wall.elapsed(),
    })
}

/// The arena at the end: orbs (bright where they moved lately), and the ships' trails.
fn draw_arena(world: &World, trails: &[Vec<Vec2>; 2]) -> Canvas {
    let mut canvas = Canvas::new(ARENA as u32, ARENA as u32, Rgba::rgb(18, 20, 28));
    for (p, v, _) in world.query::<(&Position, &Velocity, &Orb)>() {
        let color =
            if v.0 == Vec2::ZERO { Rgba::rgb(90, 100, 120) } else { Rgba::rgb(250, 220, 120) };
        canvas.disc(p.0.x, p.0.y, 1.5, color);
    }
    let colors = [Rgba::rgb(240, 90, 70), Rgba::rgb(80, 150, 250)];
    for (trail, color) in trails.iter().zip(colors) {
        for w in trail.windows(2) {
            canvas.line(w[0].x, w[0].y, w[1].x, w[1].y, color);
        }
        if let Some(end) = trail.last() {
            canvas.disc(end.x, end.y, 6.0, color);
        }
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
