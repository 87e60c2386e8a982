#ifndef CNCURSES_H
#define CNCURSES_H
// Header-only shim: ncurses' function-like macros and mutable globals as static inline functions
// that Swift can call. Filled in by the terminal backend work.
#define NCURSES_WIDECHAR 1
#include <curses.h>
#endif
