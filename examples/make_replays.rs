//! Writes the example replays in `replays/`: each lesson played through with
//! the same commands a player gives, recorded as the game records them.
//!
//! ```sh
//! cargo run --no-default-features --example make_replays
//! ```
//! CI checks every file with `raw-weights replay FILE --verify`.

use raw_weights::lesson::play::{Command, Guess, Play, Retrain, Setting};
use raw_weights::lesson::replay::Recorder;
use raw_weights::lesson::{Activity, bigram_votes};
use raw_weights::level::LevelSet;

struct Session {
    play: Play,
    recorder: Recorder,
}

impl Session {
    fn new(levels: &LevelSet, id: &str) -> Self {
        let level = levels.get(id).expect("a built-in level");
        Self {
            play: Play::new(level, 0).expect("the level starts"),
            recorder: Recorder::new(&level.file, Vec::new()),
        }
    }

    /// Training steps, as the game takes them between the player's commands.
    /// A run that diverges falls, and the game restarts it: so does this.
    fn train(&mut self, steps: usize) {
        for _ in 0..steps {
            if !self.play.trains() || self.play.goal_reached().is_some() {
                return;
            }
            if self.play.step().is_err() {
                self.give(Command::Restart);
                return;
            }
            self.recorder.stepped(&self.play);
        }
    }

    fn give(&mut self, command: Command) {
        self.recorder.command(&self.play, &command);
        if let Err(why) = self.play.execute(&command) {
            panic!("{command:?} failed: {why}");
        }
    }

    fn save(self, name: &str) {
        let file = self.recorder.finish(&self.play);
        let path = format!("replays/{name}.replay.ron");
        std::fs::write(&path, file.to_ron()).expect("replays/ is writable");
        let goal = if self.play.goal_reached().is_some() { "goal reached" } else { "goal not reached" };
        println!("{path}: {} events, {goal}", file.events.len());
    }
}

fn main() {
    let levels = LevelSet::builtin();
    std::fs::create_dir_all("replays").expect("replays/ can be made");

    // Prediction: a guess a second while the student studies twenty steps a
    // second, by a player who knows names well: a look now and then, a miss or two.
    let mut s = Session::new(&levels, "prediction");
    for i in 0..40 {
        if s.play.goal_reached().is_some() {
            break;
        }
        s.train(20);
        let Activity::Reading(reading) = &s.play.activity else { unreachable!() };
        let truth = reading.covered(&s.play.run);
        let guess = match (i % 6, s.play.run.vocab.letter(truth)) {
            (2, _) => Guess::Look,
            (5, _) => Guess::Letter('e'),
            (_, Some(c)) => Guess::Letter(c),
            (_, None) => Guess::End,
        };
        s.give(Command::Guess(guess));
    }
    s.save("1-prediction");

    // Voting: pick 'o' after 'm', raise its votes until it holds half the shares, draw.
    let mut s = Session::new(&levels, "voting");
    let o = s.play.run.vocab.id('o').unwrap();
    s.give(Command::Select(o));
    s.give(Command::Set(Setting::Temperature(1.0)));
    loop {
        let Activity::Voting(ballot) = &s.play.activity else { unreachable!() };
        if ballot.shares(&s.play.run, 1.0)[o] >= 0.5 {
            break;
        }
        let (after, vote) = (ballot.context, bigram_votes(&s.play.run, ballot.context)[o]);
        s.give(Command::Set(Setting::Vote { after, letter: o, value: vote + 0.5 }));
    }
    for _ in 0..4 {
        s.give(Command::Draw(10));
    }
    s.save("2-voting");

    // Scoring: along "anna", raise each true letter's votes by three.
    let mut s = Session::new(&levels, "scoring");
    for position in 0..5 {
        let Activity::Scoring(marking) = &s.play.activity else { unreachable!() };
        let (after, truth) = (marking.tokens[position], marking.tokens[position + 1]);
        let vote = bigram_votes(&s.play.run, after)[truth];
        s.give(Command::SelectPosition(position));
        s.give(Command::Select(truth));
        s.give(Command::Set(Setting::Vote { after, letter: truth, value: vote + 3.0 }));
    }
    s.save("3-scoring");

    // Climbing: 200 steps of plain SGD as the level starts, then Adam at a bolder rate.
    let mut s = Session::new(&levels, "climbing");
    s.train(200);
    s.give(Command::Set(Setting::Optimizer(raw_weights::brain::OptimizerKind::Adam)));
    s.give(Command::Set(Setting::LearningRate(0.02)));
    s.train(1000);
    s.save("4-climbing");

    // Performing: three names from "ma" at the level's adventurous temperature,
    // then cooler, until it has written three names it read and three of its own.
    let mut s = Session::new(&levels, "performing");
    s.give(Command::Set(Setting::Prefix("ma".into())));
    for _ in 0..3 {
        s.give(Command::Write);
        s.give(Command::FinishWriting);
    }
    s.give(Command::Set(Setting::Prefix(String::new())));
    s.give(Command::Set(Setting::Temperature(0.4)));
    for _ in 0..60 {
        if s.play.goal_reached().is_some() {
            break;
        }
        s.give(Command::Write);
        s.give(Command::FinishWriting);
    }
    s.save("5-performing");

    // Looking back: watch the heads while the student learns (moving along
    // the chant, switching a head off for a while); once it stops, switch
    // each head off and on, and name the one whose loss rises most.
    let mut s = Session::new(&levels, "looking");
    s.train(150);
    s.give(Command::SelectPosition(3));
    s.give(Command::PickHead { layer: 0, head: 1 });
    s.train(150);
    s.give(Command::SwitchHead { layer: 0, head: 1, off: true });
    s.train(100);
    s.give(Command::SwitchHead { layer: 0, head: 1, off: false });
    s.give(Command::BoardText(1));
    s.train(1000);
    let mut best = (0, f32::MIN);
    for head in 0..4 {
        s.give(Command::PickHead { layer: 0, head });
        s.give(Command::SwitchHead { layer: 0, head, off: true });
        let Activity::Looking(lens) = &s.play.activity else { unreachable!() };
        let rise = lens.shown_rise(0, head).expect("tried after the freeze");
        if rise > best.1 {
            best = (head, rise);
        }
        s.give(Command::SwitchHead { layer: 0, head, off: false });
    }
    s.give(Command::PickHead { layer: 0, head: best.0 });
    s.give(Command::NameHead { layer: 0, head: best.0 });
    s.save("6-looking");

    // The sandbox: plain SGD at a rate of 10 falls off the hill (and restarts);
    // then a small text of our own on a smaller GPT, 400 steps, two performances.
    let mut s = Session::new(&levels, "sandbox");
    s.give(Command::Set(Setting::Optimizer(raw_weights::brain::OptimizerKind::Sgd)));
    s.give(Command::Set(Setting::LearningRate(10.0)));
    s.train(200);
    s.train(100);
    let text = "robot\nrobin\nrocket\nrotor\nribbon\nrabbit\nradar\nrobots write\nrobins sing\n".to_string();
    let gpt = raw_weights::brain::GptConfig { n_layer: 1, n_head: 2, n_embd: 8, block_size: 16 };
    s.give(Command::Retrain(Retrain {
        text,
        model: raw_weights::brain::ModelKind::Gpt,
        gpt,
        data: Default::default(),
    }));
    s.train(400);
    for _ in 0..2 {
        s.give(Command::Write);
        s.give(Command::FinishWriting);
    }
    s.save("7-sandbox");
}
