//! Work over many inputs on as many threads as there are cores (at most one per
//! input), results in the inputs' order. With several inputs, a progress bar
//! (indicatif) on standard error — drawn only on a terminal, never into a log
//! file — and one total line at the end (not with `-q`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `work` on every item; `mark` says in a few words how one ended (shown
/// in the progress line). Results are in the order of `items`.
pub fn each<T: Sync, R: Send>(
    items: &[T],
    name: impl Fn(&T) -> String + Sync,
    work: impl Fn(&T) -> R + Sync,
    mark: impl Fn(&R) -> String + Sync,
) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(2, std::num::NonZero::get)
        .min(items.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let progress = items.len() > 1 && !crate::term::quiet();
    let started = std::time::Instant::now();
    let bar = progress.then(|| {
        let bar = indicatif::ProgressBar::new(u64::try_from(items.len()).unwrap_or(u64::MAX));
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:24} {pos}/{len} {wide_msg}")
        {
            bar.set_style(style.progress_chars("█▉░"));
        }
        bar
    });
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    let result = work(item);
                    done.fetch_add(1, Ordering::SeqCst);
                    if let Some(bar) = &bar {
                        bar.set_message(format!("{}：{}", name(item), mark(&result)));
                        bar.inc(1);
                    }
                    if let Ok(mut r) = results.lock()
                        && let Some(slot) = r.get_mut(i)
                    {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
        let ms = started.elapsed().as_millis();
        crate::term::note_err(&format!(
            "共 {} 个输入，已全部处理，用时 {}.{} 秒",
            done.load(Ordering::SeqCst),
            ms / 1000,
            ms % 1000 / 100
        ));
    }
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}
