/* detached.c - a detached thread that owns (and frees) its argument. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *log_line(void *arg)
{
    fprintf(stderr, "log: %s\n", (char *)arg);
    free(arg); /* this thread owns the copy */
    return NULL; /* nobody joins: the value is thrown away */
}

static int log_async(const char *text)
{
    pthread_attr_t attr;
    pthread_t tid;
    char *copy = strdup(text); /* heap: still valid after we return */
    int rc;

    if (copy == NULL)
        return ENOMEM;
    rc = pthread_attr_init(&attr);
    if (rc == 0) {
        rc = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (rc == 0)
            rc = pthread_create(&tid, &attr, log_line, copy);
        pthread_attr_destroy(&attr);
    }
    if (rc != 0)
        free(copy); /* no thread started: the copy is still ours */
    return rc;
}

int main(void)
{
    if (log_async("started") != 0)
        return 1;
    pthread_exit(NULL); /* ends main only; return 0 would kill log_line */
}
