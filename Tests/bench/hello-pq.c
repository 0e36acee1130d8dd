/* The PostgreSQL baseline for `make bench`: a C CGI that connects with libpq over the Unix
 * socket named by PG_URI, runs `select 1` and prints it — what any CGI pays to use PostgreSQL. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    PGconn *conn = PQconnectdb(getenv("PG_URI"));
    if (PQstatus(conn) != CONNECTION_OK) return 1;
    PGresult *result = PQexec(conn, "select 1");
    printf("Content-Type: text/plain\r\n\r\n%s\n", PQgetvalue(result, 0, 0));
    PQclear(result);
    PQfinish(conn);
    return 0;
}
