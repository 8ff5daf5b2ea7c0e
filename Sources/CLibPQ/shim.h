// libpq, PostgreSQL's C client (Debian: libpq-dev to build, libpq5 to run).
#include <libpq-fe.h>
