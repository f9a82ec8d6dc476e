//! Work over many inputs on as many threads as there are cores (at most one per
//! input), results in the inputs' order, with a progress line per finished input
//! on standard error when there are several.

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
    let progress = items.len() > 1;
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    let result = work(item);
                    let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                    if progress {
                        let bar_len = 24usize;
                        let filled = n * bar_len / items.len().max(1);
                        let bar: String = "█".repeat(filled) + &"░".repeat(bar_len - filled);
                        crate::term::errln(&format!(
                            "{bar} {n}/{} {}：{}",
                            items.len(),
                            name(item),
                            mark(&result)
                        ));
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
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}
