import CNcurses
import RetryTUI
