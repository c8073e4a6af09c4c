//! Text: corpus loading, tokenizers, sliding-window batches.
