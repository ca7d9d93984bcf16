/* args.c - arguments in, results out: one struct per thread. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define N 3

struct count_job {
    const char *word; /* in: set before pthread_create */
    size_t vowels;    /* out: written by the thread, read after the join */
};

static void *count_vowels(void *arg)
{
    struct count_job *job = arg;
    size_t n = 0;

    for (const char *p = job->word; *p != '\0'; p++)
        n += strchr("aeiou", *p) != NULL;
    job->vowels = n; /* its own slot: no other thread writes here */
    return NULL;
}

int main(void)
{
    const char *words[N] = { "thread", "process", "concurrency" };
    struct count_job jobs[N];
    pthread_t tid[N];
    size_t total = 0;

    for (int k = 0; k < N; k++) { /* start them all ... */
        jobs[k].word = words[k];
        if (pthread_create(&tid[k], NULL, count_vowels, &jobs[k]) != 0)
            return 1;
    }
    for (int k = 0; k < N; k++) { /* ... then wait for each one */
        pthread_join(tid[k], NULL);
        total += jobs[k].vowels; /* read a slot only after its join */
    }
    printf("%zu vowels\n", total);
    return 0;
}
