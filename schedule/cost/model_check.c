/*
 * model_check.c - what a saved cost model's XGBoost JSON must look like
 * before XGBoost reads it. XGBoost trusts its own files: a tree whose
 * child index points outside it, or a parameter changed by hand
 * (num_parallel_tree, say), crashes its predictor. Models travel with
 * database folders, so mscc accepts exactly the shape it writes: one
 * regression target, plain numerical trees over this feature layout,
 * each a proper tree (every node but the root the child of exactly one
 * node of smaller index), every split on a feature that exists.
 */
#include "schedule/schedule.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* XGBoost writes its parameters as strings: "num_trees": "60". */
static bool param_is(const cJSON *o, const char *key, long want)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return false;
    char *end;
    long got = strtol(v->valuestring, &end, 10);
    return !*end && got == want;
}

static long param(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return -1;
    char *end;
    long got = strtol(v->valuestring, &end, 10);
    return *end || got < 0 ? -1 : got;
}

static const cJSON *path(const cJSON *o, const char *const *keys)
{
    for (; o && *keys; keys++)
        o = cJSON_GetObjectItemCaseSensitive(o, *keys);
    return o;
}

/* An array of n integers, each in [lo, hi]; out (when given) receives them. */
static bool ints(const cJSON *a, int n, long lo, long hi, long *out)
{
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
        return false;
    int i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, a)
    {
        int64_t x;
        if (!cJSON_IsNumber(v) || !ms_int_of_double(v->valuedouble, lo, hi, &x))
            return false;
        if (out)
            out[i] = (long)x;
        i++;
    }
    return true;
}

static bool numbers(const cJSON *a, int n)
{
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
        return false;
    const cJSON *v;
    cJSON_ArrayForEach(v, a) if (!cJSON_IsNumber(v)) return false;
    return true;
}

static const char *check_tree(const cJSON *t, int id, int nf)
{
    const cJSON *tp = cJSON_GetObjectItemCaseSensitive(t, "tree_param");
    long n = param(tp, "num_nodes");
    const cJSON *tid = cJSON_GetObjectItemCaseSensitive(t, "id");
    if (!cJSON_IsNumber(tid) || tid->valuedouble != id)
        return "a tree's id is not its position";
    if (n < 1 || n > 1 << 20 || !param_is(tp, "num_feature", nf) ||
        !param_is(tp, "size_leaf_vector", 0) || !param_is(tp, "num_deleted", 0))
        return "a tree's parameters are not those of a plain tree over these features";
    int nn = (int)n;
    long *left = ms_xmalloc(sizeof(long) * (size_t)nn);
    long *right = ms_xmalloc(sizeof(long) * (size_t)nn);
    long *parent = ms_xmalloc(sizeof(long) * (size_t)nn);
    long *feature = ms_xmalloc(sizeof(long) * (size_t)nn);
    int *refs = ms_xcalloc((size_t)nn, sizeof(int));
    const char *why = NULL;
    static const char *const plain[] = {"base_weights", "loss_changes", "split_conditions",
                                        "sum_hessian"};
    static const char *const none[] = {"categories", "categories_nodes", "categories_segments",
                                       "categories_sizes"};
    if (!ints(cJSON_GetObjectItemCaseSensitive(t, "left_children"), nn, -1, nn - 1, left) ||
        !ints(cJSON_GetObjectItemCaseSensitive(t, "right_children"), nn, -1, nn - 1, right) ||
        !ints(cJSON_GetObjectItemCaseSensitive(t, "parents"), nn, -1, 2147483647L, parent) ||
        !ints(cJSON_GetObjectItemCaseSensitive(t, "split_indices"), nn, 0, nf - 1, feature) ||
        !ints(cJSON_GetObjectItemCaseSensitive(t, "default_left"), nn, 0, 1, NULL) ||
        !ints(cJSON_GetObjectItemCaseSensitive(t, "split_type"), nn, 0, 0, NULL))
        why = "a tree's node arrays do not match its node count";
    for (size_t k = 0; !why && k < sizeof plain / sizeof *plain; k++)
        if (!numbers(cJSON_GetObjectItemCaseSensitive(t, plain[k]), nn))
            why = "a tree's node arrays do not match its node count";
    for (size_t k = 0; !why && k < sizeof none / sizeof *none; k++)
        if (!ints(cJSON_GetObjectItemCaseSensitive(t, none[k]), 0, 0, 0, NULL))
            why = "a tree has categorical splits, which mscc never trains";
    for (int j = 0; !why && j < nn; j++) {
        bool leaf = left[j] == -1 && right[j] == -1;
        if (!leaf && (left[j] <= j || right[j] <= j || left[j] == right[j]))
            why = "a tree's child points back or outside it";
        else if (!leaf) {
            refs[left[j]]++;
            refs[right[j]]++;
            if (parent[left[j]] != j || parent[right[j]] != j)
                why = "a tree's parents do not match its children";
        }
    }
    for (int j = 0; !why && j < nn; j++)
        if (refs[j] != (j > 0))
            why = "a tree's node is not reached exactly once";
    free(left);
    free(right);
    free(parent);
    free(feature);
    free(refs);
    return why;
}

bool ms_cost_model_json_ok(const char *json, size_t len, int nf, char *why, size_t n)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    const char *bad = NULL;
    static const char *const lmp[] = {"learner", "learner_model_param", NULL};
    static const char *const gb[] = {"learner", "gradient_booster", NULL};
    static const char *const gbp[] = {"learner", "gradient_booster", "model", "gbtree_model_param",
                                      NULL};
    static const char *const model[] = {"learner", "gradient_booster", "model", NULL};
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(path(root, gb), "name");
    const cJSON *trees = cJSON_GetObjectItemCaseSensitive(path(root, model), "trees");
    const cJSON *info = cJSON_GetObjectItemCaseSensitive(path(root, model), "tree_info");
    long ntrees = param(path(root, gbp), "num_trees");
    if (!root)
        bad = "not JSON";
    else if (!param_is(path(root, lmp), "num_feature", nf) ||
             !param_is(path(root, lmp), "num_class", 0) ||
             !param_is(path(root, lmp), "num_target", 1))
        bad = "not a model of one target over this feature layout";
    else if (!cJSON_IsString(name) || strcmp(name->valuestring, "gbtree") != 0 ||
             !param_is(path(root, gbp), "num_parallel_tree", 1) ||
             !param_is(path(root, gbp), "size_leaf_vector", 0) || ntrees < 0 || ntrees > 1 << 20 ||
             !cJSON_IsArray(trees) || cJSON_GetArraySize(trees) != (int)ntrees ||
             !ints(info, (int)ntrees, 0, 0, NULL))
        bad = "not a plain list of regression trees";
    int id = 0;
    const cJSON *t;
    if (!bad)
        cJSON_ArrayForEach(t, trees)
        {
            if ((bad = check_tree(t, id++, nf)))
                break;
        }
    cJSON_Delete(root);
    if (bad)
        snprintf(why, n, "%s", bad);
    return !bad;
}
