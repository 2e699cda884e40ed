//! Embedding cellar in a game loop: a fixed timestep, input as events, a render snapshot read
//! out of the world every frame, and a clean shutdown.
//!
//! ```sh
//! cargo run --release --example game_loop
//! ```
//!
//! The "platform" here is a script of key presses and a terminal renderer, so the example
//! runs anywhere; a real game puts winit or SDL in their place and keeps the loop as it is.
//! The book's chapter "Embedding the store in a game loop" walks through it.

// Systems are written as users write them, `Query<&T>` and `Res<T>` without `'_`.
#![allow(elided_lifetimes_in_paths)]

use std::time::{Duration, Instant};

use cellar::prelude::*;

// ANCHOR: components
/// Where something is, in world units (the playfield is `WIDTH` × `HEIGHT`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Position {
    x: f32,
    y: f32,
}

/// Where it was at the start of the last update: the renderer blends the two.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Previous(Position);

/// Units per second.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Velocity {
    x: f32,
    y: f32,
}

/// The one entity the player steers.
struct Player;

/// Something to pick up.
struct Coin;

/// What the platform layer reports: key presses, as events the systems read.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Input {
    /// Start moving this way (`-1`, `0` or `1` on each axis); `(0, 0)` stops.
    Steer { x: f32, y: f32 },
    /// The player asked to leave.
    Quit,
}

/// The fixed timestep, as a resource the systems read.
#[derive(Clone, Copy, Debug)]
struct Time {
    /// Seconds per update.
    step: f32,
    /// Updates so far.
    ticks: u64,
}

/// The score, and whether the game should end.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Status {
    coins: u32,
    quit: bool,
}
// ANCHOR_END: components

const WIDTH: f32 = 40.0;
const HEIGHT: f32 = 12.0;
const SPEED: f32 = 12.0;

// ANCHOR: systems
/// Reads this frame's input events: steering changes the player's velocity, `Quit` marks
/// the game as over (the loop, not a system, decides when to stop).
fn apply_input(
    mut input: EventReader<Input>,
    mut status: ResMut<Status>,
    mut player: Query<&mut Velocity, With<Player>>,
) {
    for event in input.read() {
        match *event {
            Input::Steer { x, y } => {
                for velocity in player.iter_mut() {
                    *velocity = Velocity { x: x * SPEED, y: y * SPEED };
                }
            }
            Input::Quit => status.quit = true,
        }
    }
}

/// Remembers where everything was, then moves it by one fixed step, inside the field.
fn movement(time: Res<Time>, mut moving: Query<(&mut Position, &mut Previous, &Velocity)>) {
    for (position, previous, velocity) in moving.iter_mut() {
        previous.0 = *position;
        position.x = (position.x + velocity.x * time.step).clamp(0.0, WIDTH - 1.0);
        position.y = (position.y + velocity.y * time.step).clamp(0.0, HEIGHT - 1.0);
    }
}

/// The player picks up the coins it touches.
fn pick_up(
    player: Query<&Position, With<Player>>,
    coins: Query<(Entity, &Position), With<Coin>>,
    mut status: ResMut<Status>,
    mut commands: Commands,
) {
    for p in player.iter() {
        for (coin, c) in coins.iter() {
            if (p.x - c.x).abs() < 1.0 && (p.y - c.y).abs() < 1.0 {
                commands.despawn(coin);
                status.coins += 1;
            }
        }
    }
}

/// The clock moves on once per update.
fn tick(mut time: ResMut<Time>) {
    time.ticks += 1;
}
// ANCHOR_END: systems

// ANCHOR: game
/// The game as the loop sees it: a world and the schedule of one fixed update.
struct Game {
    world: World,
    update: Schedule,
}

/// What the renderer needs of a frame, copied out of the world: the renderer never holds a
/// borrow of the world, so it could run on its own thread while the next update runs.
#[derive(Clone, Debug, PartialEq)]
struct Frame {
    sprites: Vec<(char, f32, f32)>,
    coins: u32,
    ticks: u64,
}

impl Game {
    /// A field with the player on the left and a row of coins.
    fn new(step: Duration) -> Self {
        let mut world = World::new();
        let start = Position { x: 2.0, y: HEIGHT / 2.0 };
        world.spawn((start, Previous(start), Velocity { x: 0.0, y: 0.0 }, Player));
        world.spawn_batch(
            (0..6).map(|k| (Position { x: 8.0 + 5.0 * k as f32, y: HEIGHT / 2.0 }, Coin)),
        );
        world.insert_resource(Events::<Input>::new());
        world.insert_resource(Time { step: step.as_secs_f32(), ticks: 0 });
        world.insert_resource(Status::default());

        let mut update = Schedule::new();
        update.add_system(apply_input);
        update.add_system(movement.after(apply_input));
        update.add_system(pick_up.after(movement));
        update.add_system(tick);
        Game { world, update }
    }

    /// Hands the update an input event (read by `apply_input` in the next update).
    fn send(&mut self, input: Input) {
        if let Ok(events) = self.world.resource_mut::<Events<Input>>() {
            events.send(input);
        }
    }

    /// One fixed step of the simulation.
    fn update(&mut self) {
        self.update.run(&mut self.world);
    }

    /// Whether an update has seen `Quit`.
    fn over(&self) -> bool {
        self.world.resource::<Status>().is_ok_and(|s| s.quit)
    }

    /// The frame to draw, `alpha` of the way from the last update to the next: positions
    /// are blended between `Previous` and `Position`, so motion looks smooth at any
    /// display rate while the simulation keeps its fixed step.
    fn render(&self, alpha: f32) -> Frame {
        let blend = |p: &Position, q: &Previous| {
            (q.0.x + (p.x - q.0.x) * alpha, q.0.y + (p.y - q.0.y) * alpha)
        };
        let mut sprites: Vec<(char, f32, f32)> =
            self.world.query_filtered::<&Position, With<Coin>>().map(|c| ('o', c.x, c.y)).collect();
        for (p, q) in self.world.query_filtered::<(&Position, &Previous), With<Player>>() {
            let (x, y) = blend(p, q);
            sprites.push(('@', x, y));
        }
        let status = self.world.resource::<Status>().copied().unwrap_or_default();
        let ticks = self.world.resource::<Time>().map_or(0, |t| t.ticks);
        Frame { sprites, coins: status.coins, ticks }
    }

    /// Ends the game: the world and everything in it is dropped here, in one place, after
    /// the last update (no thread is left running: the schedule runs on the caller's thread
    /// and rayon's pool, which finish each update before `run` returns).
    fn shutdown(self) -> Status {
        self.world.resource::<Status>().copied().unwrap_or_default()
    }
}
// ANCHOR_END: game

// ANCHOR: main_loop
/// Where time and input come from: the real clock and devices in a game, a script in tests.
trait Platform {
    /// The time now.
    fn now(&mut self) -> Instant;
    /// The input that arrived since the last call.
    fn poll(&mut self) -> Vec<Input>;
    /// Shows a frame.
    fn present(&mut self, frame: &Frame);
}

/// The longest stretch of time one frame may catch up: after a long stall (a breakpoint, a
/// suspended laptop) the game slows down rather than running hundreds of updates at once.
const MAX_CATCH_UP: Duration = Duration::from_millis(250);

/// Runs `game` until an update sees `Quit`: input at the top of each frame, as many fixed
/// updates as the time that passed pays for, then one render. Returns the final status.
fn run(mut game: Game, step: Duration, platform: &mut impl Platform) -> Status {
    let mut previous = platform.now();
    let mut owed = Duration::ZERO;
    while !game.over() {
        let now = platform.now();
        owed += (now - previous).min(MAX_CATCH_UP);
        previous = now;
        for input in platform.poll() {
            game.send(input);
        }
        while owed >= step && !game.over() {
            game.update();
            owed -= step;
        }
        let alpha = owed.as_secs_f32() / step.as_secs_f32();
        platform.present(&game.render(alpha));
    }
    game.shutdown()
}
// ANCHOR_END: main_loop

/// A terminal "platform": the real clock, a script of key presses by time, and a text
/// renderer that prints a few frames.
struct Terminal {
    started: Instant,
    script: Vec<(Duration, Input)>,
    shown: u32,
}

impl Platform for Terminal {
    fn now(&mut self) -> Instant {
        // A real game waits for the display's vertical sync here; sleeping stands in for it.
        std::thread::sleep(Duration::from_millis(16));
        Instant::now()
    }

    fn poll(&mut self) -> Vec<Input> {
        let elapsed = self.started.elapsed();
        let due = self.script.iter().take_while(|(at, _)| *at <= elapsed).count();
        self.script.drain(..due).map(|(_, input)| input).collect()
    }

    fn present(&mut self, frame: &Frame) {
        // Every 30th frame, so the output stays short.
        self.shown += 1;
        if self.shown % 30 != 1 {
            return;
        }
        let mut rows = vec![vec!['.'; WIDTH as usize]; HEIGHT as usize];
        for &(glyph, x, y) in &frame.sprites {
            rows[y.round() as usize][x.round() as usize] = glyph;
        }
        println!("update {:>4}, coins {}", frame.ticks, frame.coins);
        for row in &rows[2..9] {
            println!("  {}", row.iter().collect::<String>());
        }
    }
}

fn main() {
    let step = Duration::from_secs_f64(1.0 / 60.0);
    let seconds = Duration::from_secs_f64;
    let mut terminal = Terminal {
        started: Instant::now(),
        script: vec![
            (seconds(0.2), Input::Steer { x: 1.0, y: 0.0 }),
            (seconds(3.0), Input::Steer { x: 0.0, y: -1.0 }),
            (seconds(3.2), Input::Steer { x: 0.0, y: 0.0 }),
            (seconds(3.5), Input::Quit),
        ],
        shown: 0,
    };
    let status = run(Game::new(step), step, &mut terminal);
    println!(
        "quit after {:.1} s with {} coins",
        terminal.started.elapsed().as_secs_f32(),
        status.coins
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A platform whose clock moves `frame` per frame and whose input comes at set frames.
    struct Scripted {
        now: Instant,
        frame: Duration,
        frames: u32,
        script: Vec<(u32, Input)>,
        presented: Vec<Frame>,
    }

    impl Platform for Scripted {
        fn now(&mut self) -> Instant {
            self.now += self.frame;
            self.now
        }
        fn poll(&mut self) -> Vec<Input> {
            self.frames += 1;
            let due: Vec<Input> =
                self.script.iter().filter(|(at, _)| *at == self.frames).map(|(_, i)| *i).collect();
            due
        }
        fn present(&mut self, frame: &Frame) {
            self.presented.push(frame.clone());
        }
    }

    fn scripted(frame: Duration, script: Vec<(u32, Input)>) -> Scripted {
        Scripted { now: Instant::now(), frame, frames: 0, script, presented: Vec::new() }
    }

    #[test]
    fn updates_follow_the_clock_not_the_frame_rate() {
        let step = Duration::from_millis(10);
        // 30 frames of 25 ms pay for 75 updates of 10 ms, at two or three per frame.
        let mut slow = scripted(Duration::from_millis(25), vec![(31, Input::Quit)]);
        run(Game::new(step), step, &mut slow);
        let ticks: Vec<u64> = slow.presented.iter().map(|f| f.ticks).collect();
        assert_eq!(ticks[29], 75, "{ticks:?}");
        let paced = ticks[..30].windows(2).all(|w| (2..=3).contains(&(w[1] - w[0])));
        assert!(paced, "two or three updates a frame: {ticks:?}");
        assert_eq!(ticks[30], 76, "the frame that sends Quit stops after the update reading it");
        // The same 750 ms shown at 200 frames a second: the same 75 updates.
        let mut fast = scripted(Duration::from_millis(5), vec![(151, Input::Quit)]);
        run(Game::new(step), step, &mut fast);
        assert_eq!(fast.presented[149].ticks, 75);
    }

    #[test]
    fn input_steers_the_player_and_quit_ends_the_loop_cleanly() {
        let step = Duration::from_millis(10);
        let right = Input::Steer { x: 1.0, y: 0.0 };
        let mut platform = scripted(step, vec![(2, right), (300, Input::Quit)]);
        let status = run(Game::new(step), step, &mut platform);
        assert!(status.quit);
        assert_eq!(status.coins, 6, "walking right picks up the whole row");
        let last = platform.presented.last().unwrap();
        assert_eq!(last.ticks, 300, "the update that read Quit was the last");
        let player = last.sprites.iter().find(|s| s.0 == '@').unwrap();
        let walked = SPEED * step.as_secs_f32() * 298.0;
        assert!((player.1 - (2.0 + walked)).abs() < 1e-3, "298 updates of walking: {player:?}");
        assert!(last.sprites.iter().all(|s| s.0 != 'o'), "every coin was despawned");
    }

    #[test]
    fn rendering_blends_between_the_last_two_updates() {
        let step = Duration::from_millis(10);
        let mut game = Game::new(step);
        game.send(Input::Steer { x: 1.0, y: 0.0 });
        game.update();
        let x = |frame: Frame| frame.sprites.iter().find(|s| s.0 == '@').unwrap().1;
        let moved = SPEED * step.as_secs_f32();
        assert_eq!(x(game.render(0.0)), 2.0);
        assert!((x(game.render(0.5)) - (2.0 + moved / 2.0)).abs() < 1e-5);
        assert!((x(game.render(1.0)) - (2.0 + moved)).abs() < 1e-5);
    }

    #[test]
    fn a_long_stall_is_caught_up_only_in_part() {
        let step = Duration::from_millis(10);
        let mut stalled = scripted(Duration::from_secs(5), vec![(2, Input::Quit)]);
        run(Game::new(step), step, &mut stalled);
        assert_eq!(stalled.presented[0].ticks, 25, "250 ms of updates, not 5 s");
    }
}
