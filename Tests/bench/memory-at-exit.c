/* memory-at-exit PROGRAM [ARGS...]: runs PROGRAM (stdout to /dev/null) under ptrace, stops it
 * just before it exits, and prints what its address space holds at that moment, in KiB:
 * "rss anonymous file" from /proc/PID/smaps_rollup. Anonymous is the memory this process alone
 * costs (heap, stack, written data); file is pages of files it has mapped, which stay in the
 * page cache for every process (code, the memory-mapped database). Used by `make bench` next to
 * /usr/bin/time's peak RSS. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static long field(const char *text, const char *name) {
    const char *at = strstr(text, name);
    return at ? strtol(at + strlen(name), NULL, 10) : 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: memory-at-exit PROGRAM [ARGS...]\n");
        return 2;
    }
    pid_t child = fork();
    if (child == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        raise(SIGSTOP);
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    int status;
    waitpid(child, &status, 0); /* the SIGSTOP */
    ptrace(PTRACE_SETOPTIONS, child, NULL, (void *)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
    ptrace(PTRACE_CONT, child, NULL, NULL);
    for (;;) {
        if (waitpid(child, &status, 0) < 0 || WIFEXITED(status) || WIFSIGNALED(status)) {
            fprintf(stderr, "memory-at-exit: %s ended before it could be measured\n", argv[1]);
            return 1;
        }
        if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) break;
        int signal = WIFSTOPPED(status) ? WSTOPSIG(status) : 0;
        ptrace(PTRACE_CONT, child, NULL, (void *)(long)(signal == SIGTRAP ? 0 : signal));
    }
    char path[64], text[8192];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)child);
    FILE *file = fopen(path, "r");
    size_t length = file ? fread(text, 1, sizeof text - 1, file) : 0;
    text[length] = 0;
    if (file) fclose(file);
    ptrace(PTRACE_CONT, child, NULL, NULL);
    waitpid(child, &status, 0);
    long rss = field(text, "\nRss:");
    long anonymous = field(text, "\nAnonymous:");
    printf("%ld %ld %ld\n", rss, anonymous, rss - anonymous);
    return 0;
}
