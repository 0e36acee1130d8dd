/* Baseline for `make bench`: the cheapest possible CGI response, in C. */
#include <stdio.h>

int main(void) {
    fputs("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\n", stdout);
    return 0;
}
