//! Scenes: live computations behind lessons (parameters and seed in, named results out).
