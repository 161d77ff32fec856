//! The loss landscape: a true slice of the model's loss, with the start and the student on it.

use raw_weights::brain::{Corpus, Run, RunConfig};
use raw_weights::landscape::{Landscape, Trail, evaluation_documents};

fn trained(steps: usize) -> Run {
    let corpus = Corpus::from_text(raw_weights::corpora::NAMES, "names").unwrap();
    let mut run = Run::new(RunConfig { steps: 300, ..RunConfig::default() }, &corpus).unwrap();
    run.train(steps).unwrap();
    run
}

#[test]
fn the_slice_passes_through_the_start_and_the_student() {
    let run = trained(120);
    let mut land = Landscape::new(&run.brain, run.params.len(), evaluation_documents(&run, 4, 1000), 33, 1);
    land.begin(&run.init, &run.params.data, run.step_count());
    assert!(land.advance(&run.brain, || false), "an unlimited budget finishes the slice");
    let slice = land.current.clone().unwrap();
    let plane = &slice.plane;
    assert!(
        raw_weights::brain::math::dot(&plane.d1, &plane.d2).abs() < 1e-4,
        "the directions are orthogonal"
    );
    let (a0, b0) = plane.project(&run.init);
    assert!(a0.abs() < 1e-4 && b0.abs() < 1e-4, "the start is the origin");
    let (a, b) = plane.project(&run.params.data);
    assert!(
        (a - plane.span).abs() < 1e-3 * plane.span && b.abs() < 1e-3 * plane.span,
        "the student is at (L, 0)"
    );

    // Both are grid points, and the ground there is their true loss.
    let student_loss = land.loss(&run.brain, &run.params.data);
    let start_loss = land.loss(&run.brain, &run.init);
    assert!((slice.loss(26, 16) - student_loss).abs() < 1e-4, "{} vs {student_loss}", slice.loss(26, 16));
    assert!((slice.loss(6, 16) - start_loss).abs() < 1e-4);
    assert!(student_loss < start_loss, "training went downhill");

    // Every height is the real loss of the weights at that point.
    let (a, b) = plane.grid_point(3, 29);
    let mut weights = vec![0.0; run.params.len()];
    plane.weights_at(a, b, &mut weights);
    assert_eq!(slice.loss(3, 29), land.loss(&run.brain, &weights));
}

#[test]
fn slices_are_cut_a_little_at_a_time() {
    let run = trained(10);
    let mut land = Landscape::new(&run.brain, run.params.len(), evaluation_documents(&run, 2, 1000), 9, 1);
    land.begin(&run.init, &run.params.data, 10);
    let mut calls = 0;
    // A budget that stops after each point: 81 calls, the last one finishes.
    while !land.advance(&run.brain, || true) {
        calls += 1;
        assert!(land.current.is_none() && land.is_cutting());
    }
    assert_eq!(calls + 1, 81);
    assert_eq!(land.generation, 1);
    assert!(!land.is_cutting());
}

#[test]
fn the_trail_keeps_its_shape_within_its_capacity() {
    let mut trail = Trail::new(8, 1);
    for step in 0..100 {
        trail.offer(step, &[step as f32], || step as f32);
    }
    assert!(trail.points.len() <= 8);
    assert_eq!(trail.points[0].step, 0, "the start is never dropped");
    let steps: Vec<usize> = trail.points.iter().map(|p| p.step).collect();
    assert!(steps.windows(2).all(|w| w[0] < w[1]), "{steps:?}");
    assert!(*steps.last().unwrap() >= 80, "recent steps are kept: {steps:?}");
}
