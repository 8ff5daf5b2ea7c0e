// close-audit: an LD_PRELOAD shim that reports every close() / close_range() failing with EBADF, with a stack.
//
// A close() that fails with EBADF is a double close whose number was not yet reused; when it was reused, the same
// bug silently closes someone else's file (a SQLite database: SQLITE_IOERR; an upload's temporary file: a short
// upload). Run the tests under this shim to see the first kind and find the code that can do the second:
//
//   scripts/close-audit.sh                      # builds the shim, runs `swift test` under it, symbolizes; exit 1 on EBADF
//   DURADORA_TEST_BACKEND=postgres scripts/close-audit.sh
//
// or by hand:
//   gcc -shared -fPIC -O1 -o /tmp/closeaudit.so scripts/close-audit.c -ldl
//   LD_PRELOAD=/tmp/closeaudit.so swift test --skip-build 2>&1 | tee /tmp/closeaudit.log
//
// CLOSEAUDIT_ABORT=1 aborts at the first EBADF (a core dump then shows every thread). Child processes (postgres,
// haproxy, …) inherit the shim; reports carry the pid, so theirs can be told apart. Only async-signal-safe calls
// on the reporting path; errno is preserved.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int (*real_close)(int);
static int (*real_close_range)(unsigned, unsigned, int);
static int abort_on_ebadf;
static atomic_int reporting;

static void put(const char *text) { ssize_t ignored = write(2, text, strlen(text)); (void)ignored; }

static void put_number(long value) {
    char digits[24];
    int at = sizeof digits - 1;
    unsigned long magnitude = value < 0 ? -(unsigned long)value : (unsigned long)value;
    digits[at] = 0;
    do { digits[--at] = (char)('0' + magnitude % 10); magnitude /= 10; } while (magnitude);
    if (value < 0) digits[--at] = '-';
    put(digits + at);
}

static void report(const char *call, long first, long last) {
    // One report at a time, so two threads' stacks do not interleave (a spin: no lock that is not signal-safe).
    while (atomic_exchange(&reporting, 1)) { }
    put("\n==closeaudit== EBADF "); put(call); put("("); put_number(first);
    if (last >= 0) { put(", "); put_number(last); }
    put(") pid "); put_number(getpid()); put(" tid "); put_number(gettid()); put("\n");
    void *frames[64];
    backtrace_symbols_fd(frames, backtrace(frames, 64), 2);
    put("==closeaudit== end\n");
    atomic_store(&reporting, 0);
    if (abort_on_ebadf) abort();
}

__attribute__((constructor)) static void start(void) {
    real_close = dlsym(RTLD_NEXT, "close");
    real_close_range = dlsym(RTLD_NEXT, "close_range");
    const char *flag = getenv("CLOSEAUDIT_ABORT");
    abort_on_ebadf = flag && *flag && *flag != '0';
    // The first backtrace() may load libgcc_s (malloc, locks): do it now, not inside a report.
    void *frames[2];
    backtrace(frames, 2);
}

int close(int fd) {
    if (!real_close) real_close = dlsym(RTLD_NEXT, "close");
    int result = real_close(fd);
    if (result == -1 && errno == EBADF) {
        int saved = errno;
        report("close", fd, -1);
        errno = saved;
    }
    return result;
}

int close_range(unsigned first, unsigned last, int flags) {
    if (!real_close_range) real_close_range = dlsym(RTLD_NEXT, "close_range");
    if (!real_close_range) { errno = ENOSYS; return -1; }
    int result = real_close_range(first, last, flags);
    if (result == -1 && errno == EBADF) {
        int saved = errno;
        report("close_range", first, last);
        errno = saved;
    }
    return result;
}
