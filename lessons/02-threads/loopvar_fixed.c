/* loopvar_fixed.c - each thread gets a slot of its own, alive until the joins. */
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 4

static void *worker(void *arg)
{
    int id = *(int *)arg; /* this thread's own slot: nobody changes it */
    printf("thread %d\n", id);
    return NULL;
}

int main(void)
{
    pthread_t tid[NTHREADS];
    int ids[NTHREADS]; /* one slot per thread, alive until the joins */

    for (int i = 0; i < NTHREADS; i++) {
        ids[i] = i;
        if (pthread_create(&tid[i], NULL, worker, &ids[i]) != 0)
            return 1;
    }
    for (int j = 0; j < NTHREADS; j++)
        pthread_join(tid[j], NULL);
    return 0;
}
