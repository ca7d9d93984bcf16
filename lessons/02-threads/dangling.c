/* dangling.c - BROKEN: the argument lives in a frame that has returned. */
#include <pthread.h>
#include <stdio.h>

static void *print_value(void *arg)
{
    printf("value %d\n", *(int *)arg); /* the frame may be gone by now */
    return NULL;
}

static int start_printer(pthread_t *tid, int value)
{
    int copy = value; /* lives in start_printer's frame */

    return pthread_create(tid, NULL, print_value, &copy); /* BUG */
}

int main(void)
{
    pthread_t tid;

    if (start_printer(&tid, 42) == 0)
        pthread_join(tid, NULL);
    return 0;
}
