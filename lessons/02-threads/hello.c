/* hello.c - start a thread, get its result back through pthread_join. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_t main_tid; /* set before pthread_create, only read after */

static void *greet(void *arg)
{
    char *msg = malloc(64); /* heap: outlives this thread's stack */

    if (msg != NULL)
        snprintf(msg, 64, "hello, %s, from %s thread", (const char *)arg,
                 pthread_equal(pthread_self(), main_tid) ? "the main" : "a new");
    return msg; /* same as pthread_exit(msg) */
}

int main(void)
{
    pthread_t tid;
    void *ret;
    int rc;

    main_tid = pthread_self();
    rc = pthread_create(&tid, NULL, greet, "world");
    if (rc != 0) { /* the error is the return value; errno is untouched */
        fprintf(stderr, "pthread_create: %s\n", strerror(rc));
        return 1;
    }
    /* main could do its own work here, while greet runs */
    if (pthread_join(tid, &ret) != 0) /* blocks until greet has returned */
        return 1;
    puts(ret != NULL ? (char *)ret : "out of memory");
    free(ret);
    return 0;
}
