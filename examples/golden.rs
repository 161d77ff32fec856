//! Prints the checksums of the brain's reference runs, one per line, so two
//! builds (native and WebAssembly) can be compared bit for bit:
//!
//! ```sh
//! cargo run --release --no-default-features --example golden
//! cargo build --release --no-default-features --example golden --target wasm32-wasip1
//! node scripts/wasi-run.mjs target/wasm32-wasip1/release/examples/golden.wasm
//! ```

use raw_weights::brain::reference::{reference_checksum, reference_runs};

fn main() {
    for (label, config) in reference_runs() {
        match reference_checksum(config) {
            Ok(sum) => println!("{label}: {sum}"),
            Err(e) => {
                eprintln!("error: {label}: {e}");
                std::process::exit(1);
            }
        }
    }
}
