"""RetryScope's simulated wall clock for a handler process (docs/DECISIONS.md, "Running real handlers").

The simulator puts retries seconds or minutes apart in its virtual time, while the process runs them
milliseconds apart. A handler that reads the clock (an idempotency record's in-progress expiry, a
TTL, a `created_at`) must see the simulated time, or a retry a minute later looks like the same
moment. So the wall clock is shifted: now = the invocation's simulated delivery + the real time
elapsed since the process received it. The shift comes from the standard Runtime API header only:
simulated delivery = Lambda-Runtime-Deadline-Ms - the function timeout (RETRYSCOPE_FUNCTION_TIMEOUT_MS),
so that any runtime loop (ours, awslambdaric) can install it. Between two invocations the shift
stays (Lambda freezes the environment); during the init phase the clock reads
RETRYSCOPE_INIT_CLOCK_MS + the real time since the process started, when that variable is set.

Shifted: time.time, time.time_ns, time.localtime/gmtime/ctime/asctime/strftime without a time
argument, datetime.datetime.now/utcnow/today, datetime.date.today (freezegun's way: the datetime
module's classes are replaced by subclasses whose metaclass keeps isinstance true for real
instances; install() must run before the handler module is imported). Not shifted: monotonic
clocks (time.monotonic, time.perf_counter: durations stay real), clocks read in C extensions,
file times (os.stat), and modules that took a reference to the real functions before install().
"""
import datetime as _datetime_module
import os
import time as _time_module

_real_time = _time_module.time
_real_time_ns = _time_module.time_ns
_real_localtime = _time_module.localtime
_real_gmtime = _time_module.gmtime
_real_ctime = _time_module.ctime
_real_asctime = _time_module.asctime
_real_strftime = _time_module.strftime
_real_datetime = _datetime_module.datetime
_real_date = _datetime_module.date

# Nanoseconds to add to the real wall clock.
_offset_ns = 0


def offset_ns():
    """The shift now in force, in nanoseconds."""
    return _offset_ns


def set_now_ms(simulated_ms):
    """Shifts the clock so that it reads `simulated_ms` (Unix epoch milliseconds) now."""
    global _offset_ns
    _offset_ns = int(simulated_ms) * 1_000_000 - _real_time_ns()


def on_delivery(deadline_ms):
    """Called as an invocation is received: the clock reads its simulated delivery time."""
    timeout = os.environ.get("RETRYSCOPE_FUNCTION_TIMEOUT_MS")
    if deadline_ms is None or not timeout:
        return
    set_now_ms(int(deadline_ms) - int(timeout))


def time():
    return (_real_time_ns() + _offset_ns) / 1e9


def time_ns():
    return _real_time_ns() + _offset_ns


def localtime(secs=None):
    return _real_localtime(time() if secs is None else secs)


def gmtime(secs=None):
    return _real_gmtime(time() if secs is None else secs)


def ctime(secs=None):
    return _real_ctime(time() if secs is None else secs)


def asctime(t=None):
    return _real_asctime(localtime() if t is None else t)


def strftime(format, t=None):
    return _real_strftime(format, localtime() if t is None else t)


class _DatetimeMeta(type):
    """Keeps `isinstance(real_datetime, datetime.datetime)` true after the class is replaced."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, _real_datetime)

    def __subclasscheck__(cls, sub):
        return type.__subclasscheck__(cls, sub) or issubclass(sub, _real_datetime)


class _DateMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, _real_date)

    def __subclasscheck__(cls, sub):
        return type.__subclasscheck__(cls, sub) or issubclass(sub, _real_date)


def _as_shifted_datetime(value):
    if isinstance(value, _real_datetime) and not type(value) is ShiftedDatetime:
        return ShiftedDatetime(
            value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond,
            value.tzinfo, fold=value.fold)
    return value


class ShiftedDatetime(_real_datetime, metaclass=_DatetimeMeta):
    """`datetime.datetime` whose now(), utcnow() and today() read the shifted clock."""

    @classmethod
    def now(cls, tz=None):
        return cls.fromtimestamp(time(), tz)

    @classmethod
    def utcnow(cls):
        return cls.fromtimestamp(time(), _datetime_module.timezone.utc).replace(tzinfo=None)

    @classmethod
    def today(cls):
        return cls.fromtimestamp(time())

    # Arithmetic on the C type returns the base class: keep the subclass, as freezegun does.
    def __add__(self, other):
        return _as_shifted_datetime(_real_datetime.__add__(self, other))

    __radd__ = __add__

    def __sub__(self, other):
        return _as_shifted_datetime(_real_datetime.__sub__(self, other))

    def astimezone(self, tz=None):
        return _as_shifted_datetime(_real_datetime.astimezone(self, tz))

    def date(self):
        return ShiftedDate(self.year, self.month, self.day)


class ShiftedDate(_real_date, metaclass=_DateMeta):
    """`datetime.date` whose today() reads the shifted clock."""

    @classmethod
    def today(cls):
        return cls.fromtimestamp(time())


# Found by pickle and repr as the classes they stand for.
ShiftedDatetime.__name__ = ShiftedDatetime.__qualname__ = "datetime"
ShiftedDatetime.__module__ = "datetime"
ShiftedDate.__name__ = ShiftedDate.__qualname__ = "date"
ShiftedDate.__module__ = "datetime"

_installed = False


def install():
    """Replaces the clock functions in `time` and the classes in `datetime` (once)."""
    global _installed
    if _installed:
        return
    _installed = True
    for name, function in (("time", time), ("time_ns", time_ns), ("localtime", localtime), ("gmtime", gmtime),
                           ("ctime", ctime), ("asctime", asctime), ("strftime", strftime)):
        setattr(_time_module, name, function)
    _datetime_module.datetime = ShiftedDatetime
    _datetime_module.date = ShiftedDate
    initial = os.environ.get("RETRYSCOPE_INIT_CLOCK_MS")
    if initial:
        set_now_ms(int(initial))
