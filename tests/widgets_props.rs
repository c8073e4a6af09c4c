//! Any tensor renders in every widget at every pane size without a panic.

use llm_lab::results::{Series, Tensor};
use llm_lab::ui::theme::Theme;
use llm_lab::ui::widgets::attention::{Attention, MaskSpec};
use llm_lab::ui::widgets::bars::Bars;
use llm_lab::ui::widgets::chart::LineChart;
use llm_lab::ui::widgets::color::ColorMode;
use llm_lab::ui::widgets::heatmap::{Heatmap, HeatmapState, Zoom};
use llm_lab::ui::widgets::histogram::Histogram;
use llm_lab::ui::widgets::scatter::Scatter;
use llm_lab::ui::widgets::shapes::{ShapeTrace, ShapeTracer};
use llm_lab::ui::widgets::table::TensorTable;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

fn value() -> impl Strategy<Value = f32> {
    prop_oneof![
        6 => -5.0f32..5.0,
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(f32::NEG_INFINITY),
        1 => Just(0.0f32),
        1 => Just(1e9f32),
    ]
}

fn tensor() -> impl Strategy<Value = Tensor> {
    prop::collection::vec(1usize..=5, 1..=4)
        .prop_flat_map(|shape| {
            let n: usize = shape.iter().product();
            (
                Just(shape),
                prop::collection::vec(value(), n),
                any::<bool>(),
            )
        })
        .prop_map(|(shape, data, labelled)| {
            let rank = shape.len();
            let mut t = Tensor::new(shape.clone(), data);
            if labelled {
                for (a, &n) in shape.iter().enumerate().skip(rank.saturating_sub(2)) {
                    let labels = (0..n).map(|i| format!("tok{i}·é")).collect();
                    t = t.with_labels(a, labels);
                }
            }
            t
        })
}

fn zoom() -> impl Strategy<Value = Zoom> {
    prop_oneof![
        Just(Zoom::Auto),
        Just(Zoom::Cells),
        (0u16..6).prop_map(Zoom::Blocks)
    ]
}

fn modes() -> [ColorMode; 3] {
    [ColorMode::TrueColor, ColorMode::Ansi256, ColorMode::Shades]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn every_widget_renders_at_every_size(
        t in tensor(),
        row in 0usize..8,
        col in 0usize..8,
        leading in prop::collection::vec(0usize..6, 0..3),
        zoom in zoom(),
        causal in any::<bool>(),
    ) {
        let theme = Theme::dark();
        let state = HeatmapState { row, col, leading, zoom };
        let series = vec![Series {
            name: "s".into(),
            points: t.data.iter().enumerate().map(|(i, &v)| (i as f64, v as f64)).collect(),
        }];
        let trace = ShapeTrace::default().push("x", &t.shape).push("op", &[t.data.len()]);
        let mask = MaskSpec { causal, mask: Some(&t) };
        let _ = state.readout("t", &t);
        let mut st = state.clone();
        st.step_slice(3, &t);
        st.move_by(-2, 9, &t);
        for (i, mode) in modes().into_iter().enumerate() {
            for w in 1..=40u16 {
                for h in 1..=20u16 {
                    // Every size in one mode; a sample of sizes in the others.
                    if i > 0 && (w + h) % 7 != 0 {
                        continue;
                    }
                    let area = Rect::new(0, 0, w, h);
                    let mut b = Buffer::empty(area);
                    Heatmap::new(&t, &theme, mode).state(&state).show_cursor(true).render(area, &mut b);
                    Attention::new(&t, &theme, mode).mask(mask).state(&state).show_cursor(true).render(area, &mut b);
                    TensorTable::new(&t, &theme, mode).title("t").state(&state).show_cursor(true).render(area, &mut b);
                    Bars::new(&t, &theme, mode).highlight(Some(row)).render(area, &mut b);
                    Scatter::new(&t, &theme, mode).highlight(Some(col)).render(area, &mut b);
                    Histogram::new(&t, &theme, mode).render(area, &mut b);
                    ShapeTracer::new(&trace, &theme, mode).render(area, &mut b);
                    LineChart::new(&series, &theme, mode).log_y(causal).render(area, &mut b);
                    // An offset area inside a larger buffer must stay inside its bounds.
                    let big = Rect::new(0, 0, 45, 25);
                    let mut b2 = Buffer::empty(big);
                    let inner = Rect::new(3, 2, w, h);
                    Heatmap::new(&t, &theme, mode).state(&st).render(inner, &mut b2);
                    for y in 0..big.height {
                        for x in 0..big.width {
                            let outside = x < 3 || y < 2 || x >= 3 + w || y >= 2 + h;
                            if outside {
                                prop_assert_eq!(b2[(x, y)].symbol(), " ");
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn scalar_and_single_cell_tensors() {
    let theme = Theme::dark();
    for t in [
        Tensor::new(vec![], vec![f32::NAN]),
        Tensor::new(vec![1], vec![2.0]),
        Tensor::new(vec![1, 1], vec![f32::NEG_INFINITY]),
        Tensor::new(vec![0, 3], vec![]),
        Tensor::new(vec![2, 0, 2], vec![]),
    ] {
        for mode in modes() {
            for (w, h) in [(1, 1), (2, 1), (1, 3), (10, 5), (40, 20)] {
                let area = Rect::new(0, 0, w, h);
                let mut b = Buffer::empty(area);
                Heatmap::new(&t, &theme, mode).render(area, &mut b);
                Attention::new(&t, &theme, mode).render(area, &mut b);
                TensorTable::new(&t, &theme, mode).render(area, &mut b);
                Bars::new(&t, &theme, mode).render(area, &mut b);
                Scatter::new(&t, &theme, mode).render(area, &mut b);
                Histogram::new(&t, &theme, mode).render(area, &mut b);
            }
        }
        let _ = HeatmapState::default().readout("t", &t);
    }
}
