/*
 * space.c - the design space of a kernel: the rules of the registry that
 * the target lists, applied to every block (consumers first) and then to
 * the whole function, each state fanning out into the proposals of each rule. The
 * result is a set of sketches: traces whose sampling decisions a
 * candidate draws afresh.
 */
#include "schedule/rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_STATES = 64, MAX_BLOCKS = 64 };

bool ms_rules_check(const char *list, char *why, size_t why_size)
{
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        bool known = false;
        for (int r = 0; r < ms_nrules && !known; r++)
            known = strlen(ms_rules[r].name) == len && !strncmp(ms_rules[r].name, p, len);
        if (!known) {
            snprintf(why, why_size, "no design-space rule '%.*s' (there are:", (int)len, p);
            for (int r = 0; r < ms_nrules; r++)
                snprintf(why + strlen(why), why_size - strlen(why), " %s", ms_rules[r].name);
            snprintf(why + strlen(why), why_size - strlen(why), ")");
            return false;
        }
        p += len + (p[len] == ',');
    }
    return true;
}

/* Applies rule to every state (block NULL: a function rule). */
static int fan_out(const ms_rule *rule, const ms_arch *arch, const char *block, ms_tracer **states,
                   int n)
{
    ms_tracer *next[MAX_STATES];
    int m = 0;
    for (int i = 0; i < n; i++) {
        ms_tracer *out[MS_RULE_MAX_PROPOSALS];
        int k = rule->apply(arch, states[i], block, out);
        if (k == 0) {
            next[m++] = states[i];
            continue;
        }
        for (int j = 0; j < k; j++)
            if (m < MAX_STATES)
                next[m++] = out[j];
            else
                ms_tracer_free(out[j]);
        ms_tracer_free(states[i]);
    }
    for (int i = 0; i < m; i++)
        states[i] = next[i];
    return m;
}

int ms_space_sketches(const ms_func *f, const ms_arch *arch, uint64_t seed, ms_trace ***out)
{
    ms_tracer *states[MAX_STATES];
    int n = 1;
    states[0] = ms_tracer_new(f, seed);
    const char *names[MAX_BLOCKS];
    int nb = rule_block_names(f, names, MAX_BLOCKS);
    for (int b = nb - 1; b >= 0; b--)
        for (int r = 0; r < ms_nrules; r++)
            if (ms_rules[r].per_block && rule_listed(arch->rules, ms_rules[r].name))
                n = fan_out(&ms_rules[r], arch, names[b], states, n);
    for (int r = 0; r < ms_nrules; r++)
        if (!ms_rules[r].per_block && rule_listed(arch->rules, ms_rules[r].name))
            n = fan_out(&ms_rules[r], arch, NULL, states, n);
    ms_trace **traces = ms_xcalloc((size_t)n, sizeof *traces);
    for (int i = 0; i < n; i++) {
        traces[i] = states[i]->t;
        states[i]->t = NULL;
        ms_tracer_free(states[i]);
    }
    *out = traces;
    return n;
}

ms_tracer *ms_tracer_postproc(ms_tracer *tr)
{
    if (tr->status == MS_OK && ms_postproc(tr->s) != MS_OK) {
        tr->status = MS_ERR_ILLEGAL;
        snprintf(tr->why, sizeof tr->why, "%s", tr->s->why);
    }
    return tr;
}

ms_tracer *ms_space_sample(const ms_func *f, const ms_trace *sketch, uint64_t seed)
{
    return ms_tracer_postproc(ms_trace_replay(sketch, f, /*resample=*/true, seed));
}
