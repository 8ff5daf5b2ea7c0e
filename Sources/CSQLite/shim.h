#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer; Swift cannot import it.
static inline sqlite3_destructor_type duradora_sqlite_transient(void) { return SQLITE_TRANSIENT; }

// Memory statistics, on by default, take one process-wide mutex in every sqlite3_malloc and sqlite3_free: with
// connections on several worker threads, that mutex was contended on every query (`strace -k` found it behind the
// worker path's futex calls). We never read the statistics. sqlite3_config is variadic, which Swift cannot call,
// and only works before SQLite initializes (SQLiteConnection calls this before its first open).
static inline int duradora_sqlite_disable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
