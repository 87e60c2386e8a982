#ifndef CNCURSES_H
#define CNCURSES_H
// Header-only shim between Swift and ncursesw, for module RetryTerminal only.
//
// Swift imports plain C functions and simple integer macros (KEY_DOWN, ERR, OK) by itself. What
// it cannot use is here, as `static inline` functions with an `rs_` prefix and fixed-width types:
// function-like macros (COLOR_PAIR, KEY_F), bit macros built from other macros (A_BOLD), mutable
// globals (stdscr, COLORS: Swift 6 rejects them as not concurrency-safe), and signal handlers
// (a C function pointer to a handler that touches only a sig_atomic_t).
//
// Everything is `static`, so every Swift file that calls a shim gets its own copy of it, and of
// the static variables below. The handlers and their flag are therefore only correct when the
// install, restore and read functions are all called from ONE Swift file (NcursesTerminal.swift).

// The wide-character API (cchar_t, wget_wch, setcchar): ncursesw declares it only with this set.
// The module map cannot pass -D flags, so it is defined here, before the first include.
#define NCURSES_WIDECHAR 1

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

// Swift hands over scalars as int32_t; ncurses wants wchar_t. Equal on Linux (and macOS).
_Static_assert(sizeof(wchar_t) == sizeof(int32_t), "wchar_t must be 32 bits");

// MARK: Process and screen

/// `setlocale(LC_ALL, "")`: ncursesw decodes input and encodes output with the locale's codeset,
/// and the C default ("C", ASCII) turns every non-ASCII scalar into garbage. Must run before newterm.
static inline void rs_use_environment_locale(void) { setlocale(LC_ALL, ""); }

/// Whether the locale (after rs_use_environment_locale) encodes UTF-8: otherwise box drawing
/// and the Unicode glyphs cannot be shown and the backend writes ASCII only.
static inline int32_t rs_locale_is_utf8(void) {
  const char *codeset = nl_langinfo(CODESET);
  return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/// isatty(3), so that Swift needs no Glibc import for one call.
static inline int32_t rs_is_terminal(int32_t fd) { return isatty(fd) ? 1 : 0; }

/// `newterm(NULL, stdout, stdin)`: `stdout`/`stdin` are mutable globals Swift 6 will not read.
/// newterm, unlike initscr, returns NULL for an unknown TERM instead of printing and exiting.
/// Anything the app buffered in stdout is flushed first so it cannot land in the middle of a frame.
static inline SCREEN *rs_newterm_stdio(void) {
  fflush(stdout);
  return newterm(NULL, stdout, stdin);
}

/// The global `stdscr` (the screen's main window after newterm).
static inline WINDOW *rs_stdscr(void) { return stdscr; }

/// Whether the terminal can move the cursor to any cell (terminfo `cup`): `TERM=dumb` and
/// printing terminals cannot, and a full-screen UI on them would be a stream of garbage.
/// tigetstr answers NULL for absent and (char *)-1 for a name that is not a string capability.
static inline int32_t rs_can_address_cursor(void) {
  char *cup = tigetstr("cup");
  return cup != NULL && cup != (char *)-1 ? 1 : 0;
}

/// Ends and frees a screen opened by rs_newterm_stdio (for a terminal refused after newterm).
static inline void rs_abandon_screen(SCREEN *screen) {
  endwin();
  delscreen(screen);
}

/// The global `curscr` (what ncurses believes is on the terminal): clearok(curscr) repaints all.
static inline WINDOW *rs_curscr(void) { return curscr; }

/// Rows of stdscr (getmaxy is a macro over the opaque WINDOW in some builds). ncurses updates it
/// itself on a resize before reporting KEY_RESIZE.
static inline int32_t rs_rows(void) { return getmaxy(stdscr); }

/// Columns of stdscr; see rs_rows.
static inline int32_t rs_columns(void) { return getmaxx(stdscr); }

// MARK: Colours and attributes

/// The global `COLORS` (8, 16, 256...), known after start_color.
static inline int32_t rs_colors(void) { return COLORS; }

/// The global `COLOR_PAIRS`, known after start_color: pairs 1..COLOR_PAIRS-1 can be allocated.
static inline int32_t rs_color_pairs(void) { return COLOR_PAIRS; }

/// `A_NORMAL` and the attribute bits below are NCURSES_BITS(...) expressions Swift does not import.
static inline uint32_t rs_attr_normal(void) { return (uint32_t)A_NORMAL; }
static inline uint32_t rs_attr_bold(void) { return (uint32_t)A_BOLD; }
static inline uint32_t rs_attr_dim(void) { return (uint32_t)A_DIM; }
static inline uint32_t rs_attr_underline(void) { return (uint32_t)A_UNDERLINE; }
static inline uint32_t rs_attr_reverse(void) { return (uint32_t)A_REVERSE; }

/// `COLOR_PAIR(n)`, a function-like macro. Only for completeness of attr_t values: rs_put_cells
/// takes the pair number separately, which is what the cchar_t API wants.
static inline uint32_t rs_color_pair(int16_t pair) { return (uint32_t)COLOR_PAIR(pair); }

// MARK: Output

/// Writes `count` one-column scalars at (y, x) in one attribute set and colour pair, through
/// setcchar + mvwadd_wchnstr. That call copies cells into the window without moving the cursor,
/// wrapping, scrolling or interpreting control characters, and cuts at the right margin: so the
/// bottom-right cell is written like any other (waddnwstr would return ERR there, after drawing
/// it, and a stray '\t' would expand). Returns ERR when (y, x) is off the window (a grid from
/// before a resize), OK otherwise.
static inline int32_t rs_put_cells(int32_t y, int32_t x, const int32_t *scalars, int32_t count, uint32_t attrs,
                                   int16_t pair) {
  enum { chunk = 256 };
  cchar_t cells[chunk + 1];
  WINDOW *win = stdscr;
  if (y < 0 || x < 0 || y >= getmaxy(win) || x >= getmaxx(win)) return ERR;
  int32_t done = 0;
  while (done < count && x + done < getmaxx(win)) {
    int32_t n = count - done < chunk ? count - done : chunk;
    for (int32_t i = 0; i < n; i++) {
      wchar_t text[2] = {(wchar_t)scalars[done + i], L'\0'};
      if (setcchar(&cells[i], text, (attr_t)attrs, pair, NULL) == ERR) {
        wchar_t unknown[2] = {L'?', L'\0'};
        setcchar(&cells[i], unknown, (attr_t)attrs, pair, NULL);
      }
    }
    memset(&cells[n], 0, sizeof(cchar_t));  // the terminator of the *_wchnstr array
    mvwadd_wchnstr(win, y, x + done, cells, n);
    done += n;
  }
  return OK;
}

// MARK: Input

/// `wget_wch(stdscr, &c)`: returns KEY_CODE_YES (c is a KEY_* code), OK (c is a character) or ERR
/// (timeout, or a read interrupted by a signal). wint_t is unsigned on glibc but not everywhere:
/// the out parameter is fixed-width here.
static inline int32_t rs_get_wch(uint32_t *code) {
  wint_t value = 0;
  int result = wget_wch(stdscr, &value);
  *code = (uint32_t)value;
  return result;
}

/// `KEY_F(n)`, a function-like macro: the code of function key n.
static inline int32_t rs_key_f(int32_t n) { return KEY_F(n); }

// MARK: Signals

/// The last termination signal received (SIGTERM, SIGHUP, SIGINT), 0 before. sig_atomic_t and
/// volatile: the only kind of variable a handler may write and the program then read.
static volatile sig_atomic_t rs_termination_signal_received = 0;

/// The action that was in place for `sig` before rs_install_* (restored by rs_restore_*, and
/// chained to by the fatal handler); every signal handled here is below 32. A function-local
/// static: Swift's importer does not emit a file-scope tentative definition (`static T x[32];`
/// without an initializer), which then fails to link.
static inline struct sigaction *rs_previous_action(int sig) {
  static struct sigaction actions[32];
  return &actions[sig & 31];
}

static void rs_on_termination(int sig) { rs_termination_signal_received = sig; }

static const int rs_termination_signals[] = {SIGTERM, SIGHUP, SIGINT};
static const int rs_fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};

/// Puts the terminal back (endwin: cooked mode, echo, cursor, main screen), then hands the signal
/// to whatever handled it before (the default action, which ends the process, or Swift's crash
/// reporter, which then prints its backtrace on a usable terminal). The re-raised signal is
/// blocked while this handler runs and is delivered as it returns, with the original context.
/// endwin is not async-signal-safe; the process is dying anyway and a dead shell is worse.
static void rs_on_fatal(int sig) {
  endwin();
  struct sigaction previous = *rs_previous_action(sig);
  if (previous.sa_handler == SIG_IGN) previous.sa_handler = SIG_DFL;  // an ignored fault would loop
  sigaction(sig, &previous, NULL);
  raise(sig);
}

/// Installs rs_on_termination for SIGTERM, SIGHUP and SIGINT WITHOUT SA_RESTART: a signal then
/// interrupts the blocking read in wget_wch, which returns ERR, and the loop sees the flag.
/// Installed before newterm: ncurses catches SIGINT/SIGTERM itself only while they are SIG_DFL,
/// and its handler calls exit() from inside the signal handler.
static inline void rs_install_termination_handlers(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = rs_on_termination;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigset_t unblock;
  sigemptyset(&unblock);
  for (size_t i = 0; i < sizeof rs_termination_signals / sizeof *rs_termination_signals; i++) {
    sigaction(rs_termination_signals[i], &action, rs_previous_action(rs_termination_signals[i]));
    sigaddset(&unblock, rs_termination_signals[i]);
  }
  // A parent can hand them down blocked (a test runner's threads do): then only SIGKILL would
  // stop the UI. The calling (main) thread receives them from now on.
  pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
}

/// Puts back the termination actions rs_install_termination_handlers replaced.
static inline void rs_restore_termination_handlers(void) {
  for (size_t i = 0; i < sizeof rs_termination_signals / sizeof *rs_termination_signals; i++)
    sigaction(rs_termination_signals[i], rs_previous_action(rs_termination_signals[i]), NULL);
}

/// The flag reader: the number of the termination signal received, 0 if none.
static inline int32_t rs_termination_signal(void) { return (int32_t)rs_termination_signal_received; }

/// Installs rs_on_fatal for SIGSEGV, SIGBUS, SIGILL (Swift's traps on x86_64), SIGFPE, SIGABRT and
/// SIGTRAP (Swift's traps on arm64), so that even a crash leaves the shell usable.
static inline void rs_install_fatal_handlers(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = rs_on_fatal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  for (size_t i = 0; i < sizeof rs_fatal_signals / sizeof *rs_fatal_signals; i++)
    sigaction(rs_fatal_signals[i], &action, rs_previous_action(rs_fatal_signals[i]));
}

/// Puts back the fatal-signal actions rs_install_fatal_handlers replaced (after endwin, a crash
/// has no terminal state left to repair).
static inline void rs_restore_fatal_handlers(void) {
  for (size_t i = 0; i < sizeof rs_fatal_signals / sizeof *rs_fatal_signals; i++)
    sigaction(rs_fatal_signals[i], rs_previous_action(rs_fatal_signals[i]), NULL);
}

#endif
