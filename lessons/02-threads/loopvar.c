/* loopvar.c - BROKEN: every thread is handed the address of the same counter. */
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 4

static void *worker(void *arg)
{
    int id = *(int *)arg; /* reads i whenever this thread gets to run */
    printf("thread %d\n", id);
    return NULL;
}

int main(void)
{
    pthread_t tid[NTHREADS];
    int i;

    for (i = 0; i < NTHREADS; i++)
        if (pthread_create(&tid[i], NULL, worker, &i) != 0) /* BUG: &i */
            return 1;
    for (int j = 0; j < NTHREADS; j++)
        pthread_join(tid[j], NULL);
    return 0;
}
