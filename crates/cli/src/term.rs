//! Standard output and standard error, written without ever panicking.
//!
//! The only place the program writes to the terminal (`print!`/`eprintln!` are
//! denied elsewhere by `clippy::print_stdout`/`print_stderr`; they panic when the
//! write fails).
//!
//! - Standard output closed by the reader (`juesuan check … | head -1`): the rest
//!   of the output is dropped quietly and the command ends with the exit status it
//!   would have had otherwise, as other Unix tools do.
//! - Any other failure to write standard output (`> /dev/full`): a Chinese message
//!   on standard error and exit code 2.
//! - Standard error: failures are ignored (there is nowhere left to report them).

use crate::output::io_message;
use std::io::{ErrorKind, Write as _};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard output cannot take more: later output is dropped.
static STDOUT_GONE: AtomicBool = AtomicBool::new(false);

/// Writes `s` to standard output and flushes it. `Err` carries the exit code
/// (2) after a message was printed; a closed pipe is `Ok` (quietly dropped).
pub fn out(s: &str) -> Result<(), ExitCode> {
    if STDOUT_GONE.load(Ordering::SeqCst) {
        return Ok(());
    }
    let mut o = std::io::stdout().lock();
    match o.write_all(s.as_bytes()).and_then(|()| o.flush()) {
        Ok(()) => Ok(()),
        Err(e) => {
            STDOUT_GONE.store(true, Ordering::SeqCst);
            if e.kind() == ErrorKind::BrokenPipe {
                Ok(())
            } else {
                errln(&format!("错误：无法写入标准输出：{}", io_message(&e)));
                Err(ExitCode::from(2))
            }
        }
    }
}

/// [`out`] with a newline.
pub fn outln(s: &str) -> Result<(), ExitCode> {
    out(&format!("{s}\n"))
}

/// Writes `s` to standard error; a failure is ignored.
pub fn err(s: &str) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(s.as_bytes()).and_then(|()| e.flush());
}

/// [`err`] with a newline.
pub fn errln(s: &str) {
    err(&format!("{s}\n"));
}
