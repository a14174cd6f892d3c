/*
 * kernel_gen.c - the random kernel generator (see kernel_gen.h): a kernel's
 * state while it grows (size parameters, arrays, counters and scalars in
 * scope, the integer budget), the expression, condition, loop and
 * statement makers, the node tree and its rendering.
 */
#include "kernel_gen.h"

#include "base/base.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 4, MAX_ITEMS = 3 };
/* index variables in scope: helpers while fewer than MAX_SCOPE - MAX_DEPTH
 * are, and the loops of a nest (at most MAX_DEPTH) inside them (seed
 * 4077091 opened a loop inside ten and wrote past the array) */
enum { PMAX = 64, MAX_PARAMS = 3, MAX_ARRAYS = 10, MAX_SCOPE = 14, MAX_SCALARS = 24 };
/* No integer value may pass this (int32_t overflows at 2^31). */
static const double int_limit = 1073741824.0;
/* Floats have no undefined behaviour; this keeps them finite. */
static const double float_limit = 1e12;

typedef enum { T_F32, T_F64, T_I32, T_I8 } kg_type;
static const struct {
    const char *c, *suffix, *fn; /* C name, literal suffix, math suffix */
    bool fp;
} types[] = {
    {"float", "f", "f", true},
    {"double", "", "", true},
    {"int32_t", "", "", false},
    {"int8_t", "", "", false},
};

/* An array dimension of extent a*P + c. */
typedef struct dim {
    int a, p, c;
} dim;

typedef struct array {
    char name[8];
    kg_type type;
    int rank;
    dim d[3];
    bool local, pointer, restrict_;
    bool written; /* an output: its reads are clamped */
    bool raw;     /* read unclamped: never written after */
    bool filling; /* a local while its fill runs: not readable */
    double bound; /* of its values while it is an input or a filled local */
} array;

/* A counter or a guarded index helper: its value is in [0, P_p). */
typedef struct index_var {
    char name[8];
    int p;
} index_var;

typedef struct scalar {
    char name[8];
    kg_type type;
    double bound;
    bool readable; /* not while it accumulates */
} scalar;

typedef struct node_list {
    struct node **data;
    int len, cap;
} node_list;

typedef struct node {
    enum { N_LOOP, N_IF, N_STMT } kind;
    char *text; /* a statement, a loop's head, an if's condition */
    bool keep;  /* never dropped: a local array's fill */
    bool decl;  /* a declaration: never a brace-less body */
    node_list body;
} node;

struct kg_kernel {
    char name[32];
    bool zero_ok; /* defined with every size 0 */
    char *head;   /* up to the body's first line */
    node_list top;
};

typedef struct gen {
    ms_rng r;
    int np, hint[MAX_PARAMS];
    array arr[MAX_ARRAYS];
    int narr;
    index_var iv[MAX_SCOPE];
    int niv, depth; /* index variables in scope; loops among them */
    double trips;   /* a bound on how often the current point runs */
    scalar sc[MAX_SCALARS];
    int nsc, naccs, nhelpers, max_depth;
    bool c89, alpha;
    bool zero_ok; /* no local array of size 0 when the sizes are */
    const char *ctype;
    double peak; /* the largest bound of any subexpression so far */
} gen;

static const char *const counters[MAX_DEPTH] = {"i", "j", "k", "l"};

static int pick(gen *g, int n)
{
    return (int)ms_rng_range(&g->r, 0, n);
}
static bool chance(gen *g, int percent)
{
    return pick(g, 100) < percent;
}

static node *new_node(int kind, char *text)
{
    node *n = ms_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->text = text;
    return n;
}

/* ---- subscripts ---- */

static void dim_text(ms_str *s, dim d)
{
    if (d.a == 1)
        ms_str_addf(s, "N%d", d.p);
    else
        ms_str_addf(s, "%d * N%d", d.a, d.p);
    if (d.c)
        ms_str_addf(s, " + %d", d.c);
}

/* A subscript into dimension d from what is in scope: every choice stays
 * in [0, a*P + c). */
static bool subscript(gen *g, dim d, ms_str *out)
{
    int vars[MAX_SCOPE], nv = 0;
    for (int i = 0; i < g->niv; i++)
        if (g->iv[i].p == d.p)
            vars[nv++] = i;
    if (!nv && !d.c)
        return false;
    if (!nv || (d.c && chance(g, 5))) {
        ms_str_addf(out, "%d", pick(g, d.c));
        return true;
    }
    const char *v = g->iv[vars[pick(g, nv)]].name;
    int form = pick(g, 10);
    if (form < 5) {
        ms_str_add(out, v);
    } else if (form < 8) {
        int a = 1 + pick(g, d.a), c = pick(g, d.c + 1);
        if (a > 1)
            ms_str_addf(out, "%d * ", a);
        ms_str_add(out, v);
        if (c)
            ms_str_addf(out, " + %d", c);
    } else if (form < 9 || d.a < 2) {
        ms_str_addf(out, "N%d - 1 - %s", d.p, v);
    } else { /* two counters: within 2P - 2 */
        ms_str_addf(out, "%s + %s", v, g->iv[vars[pick(g, nv)]].name);
    }
    return true;
}

static bool satisfiable(gen *g, const array *a)
{
    for (int k = 0; k < a->rank; k++) {
        bool any = a->d[k].c > 0;
        for (int i = 0; i < g->niv && !any; i++)
            any = g->iv[i].p == a->d[k].p;
        if (!any)
            return false;
    }
    return true;
}

/* An element of a, in its form: a[s][t] or a linearised a[(s) * (T) + t]. */
static void element(gen *g, const array *a, ms_str *out)
{
    ms_str sub[3] = {{0}};
    for (int k = 0; k < a->rank; k++)
        subscript(g, a->d[k], &sub[k]); /* satisfiable: the caller asked */
    ms_str_add(out, a->name);
    if (!a->pointer) {
        for (int k = 0; k < a->rank; k++)
            ms_str_addf(out, "[%s]", ms_str_cstr(&sub[k]));
    } else {
        ms_str lin = {0};
        ms_str_add(&lin, ms_str_cstr(&sub[0]));
        for (int k = 1; k < a->rank; k++) {
            ms_str ext = {0};
            dim_text(&ext, a->d[k]);
            char *prev = ms_str_take(&lin);
            bool simple_prev = !strchr(prev, ' ');
            bool simple_ext = !strchr(ms_str_cstr(&ext), ' ');
            ms_str_addf(&lin, simple_prev ? "%s * " : "(%s) * ", prev);
            ms_str_addf(&lin, simple_ext ? "%s" : "(%s)", ms_str_cstr(&ext));
            ms_str_addf(&lin, " + %s", ms_str_cstr(&sub[k]));
            free(prev);
            ms_str_free(&ext);
        }
        ms_str_addf(out, "[%s]", ms_str_cstr(&lin));
        ms_str_free(&lin);
    }
    for (int k = 0; k < a->rank; k++)
        ms_str_free(&sub[k]);
}

/* ---- expressions ---- */

static double note(gen *g, double b)
{
    if (b > g->peak)
        g->peak = b;
    return b;
}

static void literal(gen *g, kg_type t, ms_str *out, double *b)
{
    static const char *const lits[] = {"0.5", "1.25", "2.0", "0.125", "3.0", "0.75"};
    static const double vals[] = {0.5, 1.25, 2.0, 0.125, 3.0, 0.75};
    if (types[t].fp) {
        int i = pick(g, 6);
        ms_str_addf(out, "%s%s", lits[i], types[t].suffix);
        *b = vals[i];
    } else {
        int v = 1 + pick(g, 7);
        ms_str_addf(out, "%d", v);
        *b = v;
    }
}

/* An affine test of the counters in scope (needs one). */
static void condition(gen *g, ms_str *out, int depth)
{
    const index_var *v = &g->iv[pick(g, g->niv)], *w = &g->iv[pick(g, g->niv)];
    bool two = v != w;
    switch (pick(g, 8)) {
    case 0:
        if (two) {
            static const char *const ops[] = {"<", "<=", "==", "!=", ">"};
            ms_str_addf(out, "%s %s %s", v->name, ops[pick(g, 5)], w->name);
            break;
        }
        /* fall through */
    case 1:
        ms_str_addf(out, "%s >= %d", v->name, 1 + pick(g, 2));
        break;
    case 2:
        ms_str_addf(out, "%s < N%d - 1", v->name, pick(g, g->np));
        break;
    case 3:
        if (two) {
            ms_str_addf(out, "%s + %s < N%d", v->name, w->name, pick(g, g->np));
            break;
        }
        /* fall through */
    case 4:
        ms_str_addf(out, "%s %% %d == 0", v->name, 2 + pick(g, 2));
        break;
    case 5:
        ms_str_addf(out, "(%s + 2 * %s) %% 3 == %d", v->name, w->name, pick(g, 3));
        break;
    case 6:
        ms_str_addf(out, "(%s - %s) %% 2 != 0", v->name, w->name);
        break;
    default:
        /* above case 1's constants: "j >= 2 && j < 2" holds for no j, and
         * clang's -Wall says so (rk4045217, an original -Werror refused) */
        ms_str_addf(out, "%s < %d", v->name, 3 + pick(g, 5));
        break;
    }
    if (depth < 1 && chance(g, 20)) {
        ms_str_add(out, " && ");
        condition(g, out, depth + 1);
    }
}

static double expr(gen *g, kg_type t, int depth, ms_str *out);

/* A read of an array of any type, as a value of type t; NULL bound when
 * nothing is readable here. */
static bool array_leaf(gen *g, kg_type t, ms_str *out, double *b)
{
    array *c[MAX_ARRAYS];
    int n = 0;
    for (int i = 0; i < g->narr; i++) {
        array *a = &g->arr[i];
        if (a->filling || !satisfiable(g, a))
            continue;
        if (!types[t].fp && (a->written || (types[a->type].fp && a->bound * 8 > 1e6)))
            continue; /* integers read only bounded values */
        c[n++] = a;
    }
    if (!n)
        return false;
    array *a = c[pick(g, n)];
    ms_str e = {0};
    element(g, a, &e);
    const char *fn = types[t].fn;
    if (types[t].fp) {
        bool cast = a->type != t;
        if (a->written) { /* an output: anything it may hold, kept in [-4, 4] */
            ms_str v = {0};
            ms_str_addf(&v, cast ? "(%s)%s" : "%.0s%s", types[t].c, ms_str_cstr(&e));
            if (chance(g, 50))
                ms_str_addf(out, "tanh%s(%s)", fn, ms_str_cstr(&v));
            else
                ms_str_addf(out, "fmin%s(fmax%s(%s, -4.0%s), 4.0%s)", fn, fn, ms_str_cstr(&v),
                            types[t].suffix, types[t].suffix);
            ms_str_free(&v);
            *b = 4;
        } else {
            if (cast)
                ms_str_addf(out, "(%s)%s", types[t].c, ms_str_cstr(&e));
            else
                ms_str_add(out, ms_str_cstr(&e));
            a->raw = true;
            *b = a->bound;
        }
    } else if (types[a->type].fp) {
        ms_str_addf(out, "(int32_t)(%s * 8.0%s)", ms_str_cstr(&e), types[a->type].suffix);
        a->raw = true;
        *b = a->bound * 8;
    } else {
        ms_str_add(out, ms_str_cstr(&e));
        a->raw = true;
        *b = a->bound;
    }
    ms_str_free(&e);
    return true;
}

static double leaf(gen *g, kg_type t, ms_str *out)
{
    double b = 0;
    bool fp = types[t].fp;
    int which = pick(g, 10);
    if (which < 5 && array_leaf(g, t, out, &b))
        return note(g, b);
    if (which < 7 && g->niv) {
        const char *v = g->iv[pick(g, g->niv)].name;
        if (fp)
            ms_str_addf(out, "(%s)%s", types[t].c, v);
        else
            ms_str_add(out, v);
        return note(g, PMAX);
    }
    if (which < 8 && g->nsc) {
        scalar *s = &g->sc[pick(g, g->nsc)];
        if (s->readable && (fp || !types[s->type].fp)) {
            if (s->type != t && fp)
                ms_str_addf(out, "(%s)%s", types[t].c, s->name);
            else
                ms_str_add(out, s->name);
            return note(g, s->bound);
        }
    }
    if (which < 9 && fp) {
        g->alpha = true;
        ms_str_add(out, t == T_F32 ? "alpha" : "(double)alpha");
        return note(g, 1.25);
    }
    literal(g, t, out, &b);
    return note(g, b);
}

/* A math call on a float expression, inside its domain. */
static double math_call(gen *g, kg_type t, int depth, ms_str *out)
{
    const char *fn = types[t].fn, *sx = types[t].suffix;
    ms_str a = {0}, c = {0};
    double ba = expr(g, t, depth + 1, &a), b;
    switch (pick(g, 8)) {
    case 0:
        ms_str_addf(out, "tanh%s(%s)", fn, ms_str_cstr(&a));
        b = 1;
        break;
    case 1:
        ms_str_addf(out, "erf%s(%s)", fn, ms_str_cstr(&a));
        b = 1;
        break;
    case 2:
        ms_str_addf(out, "sqrt%s(fabs%s(%s))", fn, fn, ms_str_cstr(&a));
        b = sqrt(ba);
        break;
    case 3:
        ms_str_addf(out, "log%s(1.0%s + fabs%s(%s))", fn, sx, fn, ms_str_cstr(&a));
        b = log1p(ba);
        break;
    case 4:
        ms_str_addf(out, "exp%s(fmin%s(%s, 8.0%s))", fn, fn, ms_str_cstr(&a), sx);
        b = exp(fmin(ba, 8.0));
        break;
    case 5:
        ms_str_addf(out, "fabs%s(%s)", fn, ms_str_cstr(&a));
        b = ba;
        break;
    default: {
        double bc = expr(g, t, depth + 1, &c);
        ms_str_addf(out, "fm%s%s(%s, %s)", pick(g, 2) ? "ax" : "in", fn, ms_str_cstr(&a),
                    ms_str_cstr(&c));
        b = fmax(ba, bc);
        break;
    }
    }
    ms_str_free(&a);
    ms_str_free(&c);
    return note(g, b);
}

static double expr(gen *g, kg_type t, int depth, ms_str *out)
{
    if (depth >= 3 || chance(g, 35))
        return leaf(g, t, out);
    bool fp = types[t].fp;
    if (fp && chance(g, 25))
        return math_call(g, t, depth, out);
    ms_str a = {0}, c = {0};
    double ba = expr(g, t, depth + 1, &a), bc, b;
    int op = pick(g, fp ? 7 : 8);
    switch (op) {
    case 0:
    case 1:
    case 2: {
        static const char ops[] = "+-*";
        bc = expr(g, t, depth + 1, &c);
        ms_str_addf(out, "(%s %c %s)", ms_str_cstr(&a), ops[op], ms_str_cstr(&c));
        b = op == 2 ? ba * bc : ba + bc;
        break;
    }
    case 3: /* a division that cannot divide by zero */
        if (fp) {
            bc = expr(g, t, depth + 1, &c);
            ms_str_addf(out, "(%s / (1.0%s + fabs%s(%s)))", ms_str_cstr(&a), types[t].suffix,
                        types[t].fn, ms_str_cstr(&c));
        } else {
            ms_str_addf(out, "(%s / %d)", ms_str_cstr(&a), 2 + pick(g, 6));
        }
        b = ba;
        break;
    case 4: { /* a select on the counters */
        ms_str cond = {0};
        bc = expr(g, t, depth + 1, &c);
        if (g->niv) {
            condition(g, &cond, 1);
            ms_str_addf(out, "(%s ? %s : %s)", ms_str_cstr(&cond), ms_str_cstr(&a),
                        ms_str_cstr(&c));
        } else {
            ms_str_addf(out, "(%s + %s)", ms_str_cstr(&a), ms_str_cstr(&c));
        }
        ms_str_free(&cond);
        b = ba + bc;
        break;
    }
    case 5: /* a max written as ?: */
        bc = expr(g, t, depth + 1, &c);
        if (!strcmp(ms_str_cstr(&a), ms_str_cstr(&c))) { /* x > x draws a warning */
            ms_str_add(out, ms_str_cstr(&a));
            b = ba;
            break;
        }
        ms_str_addf(out, "(%s > %s ? %s : %s)", ms_str_cstr(&a), ms_str_cstr(&c), ms_str_cstr(&a),
                    ms_str_cstr(&c));
        b = fmax(ba, bc);
        break;
    case 6:
        if (fp) { /* an integer part */
            bc = expr(g, T_I32, depth + 1, &c);
            ms_str_addf(out, "(%s + (%s)(%s))", ms_str_cstr(&a), types[t].c, ms_str_cstr(&c));
            b = ba + bc;
            break;
        }
        /* fall through */
    default:
        ms_str_addf(out, "(%s %% %d)", ms_str_cstr(&a), 2 + pick(g, 6));
        b = ba;
        break;
    }
    ms_str_free(&a);
    ms_str_free(&c);
    return note(g, b);
}

/* An expression of type t whose value, and every part of it, stays within
 * limit; NaN when none was found. */
static double bounded_expr(gen *g, kg_type t, double limit, ms_str *out)
{
    double cap = types[t].fp ? float_limit : int_limit;
    for (int tries = 0; tries < 8; tries++) {
        out->len = 0;
        if (out->buf)
            out->buf[0] = '\0';
        g->peak = 0;
        bool raw[MAX_ARRAYS];
        for (int i = 0; i < g->narr; i++)
            raw[i] = g->arr[i].raw;
        double b = expr(g, t, tries < 4 ? 0 : 2, out);
        if (b <= limit && g->peak <= cap)
            return b;
        for (int i = 0; i < g->narr; i++)
            g->arr[i].raw = raw[i];
    }
    out->len = 0;
    if (out->buf)
        out->buf[0] = '\0';
    ms_str_add(out, types[t].fp ? "1.0" : "1");
    if (t == T_F32)
        ms_str_add(out, "f");
    return 1;
}

/* ---- arrays ---- */

static array *new_array(gen *g, bool local)
{
    if (g->narr == MAX_ARRAYS)
        return NULL;
    array *a = &g->arr[g->narr];
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, local ? "T%d" : "%c", local ? g->narr : 'A' + g->narr);
    static const kg_type pool[] = {T_F32, T_F32, T_F32, T_F64, T_F64, T_I32, T_I32, T_I8};
    a->type = pool[pick(g, 8)];
    a->local = local;
    a->restrict_ = !chance(g, 15);
    a->bound = types[a->type].fp ? 1 : 8;
    /* dimensions from the counters in scope, so that a store here fits */
    int have[MAX_PARAMS] = {0}, np = 0, ps[MAX_PARAMS];
    for (int i = 0; i < g->niv; i++)
        if (!have[g->iv[i].p]++)
            ps[np++] = g->iv[i].p;
    if (!np)
        ps[np++] = pick(g, g->np);
    a->rank = 1 + pick(g, 3);
    for (int k = 0; k < a->rank; k++) {
        a->d[k].p = ps[pick(g, np)];
        a->d[k].a = local || chance(g, 80) ? 1 : 2;
        a->d[k].c = local || chance(g, 60) ? 0 : 1 + pick(g, 2);
        if (!g->niv && !local) /* no counter here: constant subscripts need room */
            a->d[k].c = 1 + pick(g, 2);
    }
    a->pointer = !local && a->rank <= 3 && chance(g, 25);
    g->narr++;
    return a;
}

/* ---- statements ---- */

static void push(node_list *l, node *n)
{
    MS_VEC_PUSH(*l, n);
}

/* A store into a parameter array: one that can be written here, or a new
 * one. */
static array *store_target(gen *g, bool want_int)
{
    array *c[MAX_ARRAYS];
    int n = 0;
    for (int i = 0; i < g->narr; i++) {
        array *a = &g->arr[i];
        if (!a->local && !a->raw && satisfiable(g, a) && types[a->type].fp != want_int)
            c[n++] = a;
    }
    if (n && chance(g, 70))
        return c[pick(g, n)];
    for (int tries = 0; tries < 4; tries++) {
        array *a = new_array(g, false);
        if (!a)
            break;
        if (types[a->type].fp != want_int)
            return a;
        g->narr--; /* another type: draw again */
    }
    return n ? c[pick(g, n)] : NULL;
}

/* The right-hand side of a store of type t: an expression within limit,
 * plus the scalar `use` when given (an accumulator's result). */
static double rhs(gen *g, kg_type t, double limit, const scalar *use, ms_str *out)
{
    kg_type et = types[t].fp ? t : T_I32;
    if (!use)
        return bounded_expr(g, et, limit, out);
    ms_str e = {0};
    double b = bounded_expr(g, et, limit - use->bound, &e);
    if (use->type != et)
        ms_str_addf(out, "(%s)%s + %s", types[et].c, use->name, ms_str_cstr(&e));
    else
        ms_str_addf(out, "%s + %s", use->name, ms_str_cstr(&e));
    ms_str_free(&e);
    return b + use->bound;
}

/* A store into a parameter array, reading `use` when given. */
static void store(gen *g, node_list *out, const scalar *use)
{
    bool want_int = use ? !types[use->type].fp : chance(g, 30);
    array *a = store_target(g, want_int);
    if (!a)
        return;
    a->written = true;
    kg_type t = a->type;
    ms_str s = {0}, lhs = {0}, e = {0};
    element(g, a, &lhs);
    const char *l = ms_str_cstr(&lhs);
    if (types[t].fp) {
        int op = pick(g, 10);
        rhs(g, t, float_limit, use, &e);
        const char *x = ms_str_cstr(&e), *fn = types[t].fn;
        if (op < 4)
            ms_str_addf(&s, "%s = %s;", l, x);
        else if (op < 8)
            ms_str_addf(&s, "%s %s= %s;", l, op < 7 ? "+" : "-", x);
        else if (op < 9) /* a factor within [-1, 1] */
            ms_str_addf(&s, "%s *= tanh%s(%s);", l, fn, x);
        else
            ms_str_addf(&s, "%s /= 1.0%s + fabs%s(%s);", l, types[t].suffix, fn, x);
    } else {
        /* outputs start within 8 and are never read by integer code: what
         * the stores add is all that bounds them */
        double room = (int_limit - a->bound) / g->trips;
        int op = pick(g, 10);
        if (t == T_I8 || room < 8 + (use ? use->bound : 0) || op < 4) {
            double b = rhs(g, t, t == T_I8 ? 127 : int_limit, use, &e);
            ms_str_addf(&s, "%s = %s;", l, ms_str_cstr(&e));
            a->bound = fmax(a->bound, b);
        } else if (op < 9 || use) {
            double b = rhs(g, t, room, use, &e);
            ms_str_addf(&s, "%s %s= %s;", l, op < 7 ? "+" : "-", ms_str_cstr(&e));
            a->bound += b * g->trips;
        } else {
            ms_str_addf(&s, op % 2 ? "%s++;" : "++%s;", l);
            a->bound += g->trips;
        }
    }
    push(out, new_node(N_STMT, ms_str_take(&s)));
    ms_str_free(&lhs);
    ms_str_free(&e);
}

static void items(gen *g, node_list *out, int n);

/* What a loop's body changes and its end restores. */
typedef struct scope {
    double trips;
    int nsc;
} scope;

/* Counter v, in [0, P_p), in scope for the body of a loop. */
static scope open_loop(gen *g, const char *v, int p)
{
    MS_ASSERT(g->niv < MAX_SCOPE);
    index_var *iv = &g->iv[g->niv++];
    snprintf(iv->name, sizeof iv->name, "%s", v);
    iv->p = p;
    g->depth++;
    if (g->depth > g->max_depth)
        g->max_depth = g->depth;
    scope sc = {g->trips, g->nsc};
    g->trips *= PMAX;
    return sc;
}

/* The loop's end: its counter and the scalars declared in it leave scope. */
static void close_loop(gen *g, scope sc)
{
    g->trips = sc.trips;
    g->nsc = sc.nsc;
    g->depth--;
    g->niv--;
}

/* A loop over [0, P) or within it; `inner` makes its body, or items do. */
static node *loop(gen *g, void (*inner)(gen *, node_list *, void *), void *ctx)
{
    int p = pick(g, g->np);
    const char *v = counters[g->depth];
    int same[MAX_SCOPE], ns = 0;
    for (int i = 0; i < g->niv; i++)
        if (g->iv[i].p == p)
            same[ns++] = i;
    const char *u = ns ? g->iv[same[pick(g, ns)]].name : NULL;
    ms_str h = {0}, init = {0};
    if (g->c89)
        ms_str_addf(&init, "%s = ", v);
    else
        ms_str_addf(&init, "%s %s = ", g->ctype, v);
    const char *in = ms_str_cstr(&init);
    switch (u ? pick(g, 9) : pick(g, 5)) {
    case 0: /* the usual forms */
    default: {
        static const char *const incs[] = {"%s++", "++%s", "%s += 1"};
        char inc[16];
        snprintf(inc, sizeof inc, incs[pick(g, 3)], v);
        if (chance(g, 80))
            ms_str_addf(&h, "for (%s0; %s < N%d; %s)", in, v, p, inc);
        else
            ms_str_addf(&h, "for (%s0; %s <= N%d - 1; %s)", in, v, p, inc);
        break;
    }
    case 1:
        ms_str_addf(&h, "for (%sN%d - 1; %s >= 0; %s--)", in, p, v, v);
        break;
    case 2:
        ms_str_addf(&h, "for (%s%d; %s < N%d; %s += 2)", in, pick(g, 2), v, p, v);
        break;
    case 3:
        ms_str_addf(&h, "for (%s1; %s < N%d - 1; ++%s)", in, v, p, v);
        break;
    case 4:
        ms_str_addf(&h, "for (%sN%d - 1; %s > 0; %s -= 2)", in, p, v, v);
        break;
    case 5: /* triangular */
        ms_str_addf(&h, "for (%s0; %s <= %s; %s++)", in, v, u, v);
        break;
    case 6:
        ms_str_addf(&h, "for (%s%s; %s < N%d; %s++)", in, u, v, p, v);
        break;
    case 7:
        ms_str_addf(&h, "for (%s%s; %s >= 0; %s--)", in, u, v, v);
        break;
    case 8: { /* min and max, as ?: */
        int lo = 1 + pick(g, 3), hi = 1 + pick(g, 3);
        ms_str_addf(&h,
                    "for (%s%s - %d > 0 ? %s - %d : 0; %s < (%s + %d < N%d ? %s + %d : N%d); %s++)",
                    in, u, lo, u, lo, v, u, hi, p, u, hi, p, v);
        break;
    }
    }
    ms_str_free(&init);
    scope sc = open_loop(g, v, p);
    node *n = new_node(N_LOOP, ms_str_take(&h));
    if (inner)
        inner(g, &n->body, ctx);
    else
        items(g, &n->body, 1 + pick(g, MAX_ITEMS));
    close_loop(g, sc);
    return n;
}

/* An accumulator: declared, updated in a loop nest, stored. */
typedef struct acc_ctx {
    scalar *s;
    int kind; /* 0 sum, 1 difference, 2 max by fmax, 3 max by ?:, 4 product, 5 min */
    int levels;
} acc_ctx;

static void acc_update(gen *g, node_list *out, void *ctx)
{
    acc_ctx *a = ctx;
    if (--a->levels > 0 && g->depth < MAX_DEPTH) {
        push(out, loop(g, acc_update, a));
        if (chance(g, 30))
            items(g, out, 1);
        return;
    }
    scalar *s = a->s;
    kg_type t = s->type;
    const char *fn = types[t].fn;
    ms_str st = {0}, e = {0};
    double room = types[t].fp ? float_limit : (int_limit - s->bound) / g->trips;
    double b = bounded_expr(g, t, room, &e);
    const char *x = ms_str_cstr(&e);
    switch (a->kind) {
    case 0:
        ms_str_addf(&st, "%s += %s;", s->name, x);
        s->bound += b * g->trips;
        break;
    case 1:
        ms_str_addf(&st, "%s -= %s;", s->name, x);
        s->bound += b * g->trips;
        break;
    case 2:
        if (types[t].fp) {
            ms_str_addf(&st, "%s = fmax%s(%s, %s);", s->name, fn, s->name, x);
        } else {
            ms_str_addf(&st, "%s = %s > %s ? %s : %s;", s->name, s->name, x, s->name, x);
        }
        s->bound = fmax(s->bound, b);
        break;
    case 3:
        ms_str_addf(&st, "%s = %s > %s ? %s : %s;", s->name, x, s->name, x, s->name);
        s->bound = fmax(s->bound, b);
        break;
    case 4:
        ms_str_addf(&st, "%s *= tanh%s(%s);", s->name, fn, x);
        break;
    default:
        if (types[t].fp)
            ms_str_addf(&st, "%s = fmin%s(%s, %s);", s->name, fn, s->name, x);
        else
            ms_str_addf(&st, "%s = %s < %s ? %s : %s;", s->name, s->name, x, s->name, x);
        s->bound = fmax(s->bound, b);
        break;
    }
    if (chance(g, 25) && g->niv) { /* the update under a test */
        ms_str c = {0};
        condition(g, &c, 0);
        node *n = new_node(N_IF, ms_str_take(&c));
        push(&n->body, new_node(N_STMT, ms_str_take(&st)));
        push(out, n);
    } else {
        push(out, new_node(N_STMT, ms_str_take(&st)));
    }
    ms_str_free(&e);
}

static void accumulator(gen *g, node_list *out)
{
    if (g->nsc == MAX_SCALARS || g->depth >= MAX_DEPTH)
        return;
    scalar *s = &g->sc[g->nsc++];
    static const kg_type pool[] = {T_F32, T_F32, T_F64, T_I32};
    s->type = pool[pick(g, 4)];
    snprintf(s->name, sizeof s->name, "s%d", g->naccs++ % 100);
    s->readable = false;
    bool fp = types[s->type].fp;
    acc_ctx a = {s, pick(g, fp ? 6 : 4), 1 + (chance(g, 35) ? 1 : 0)};
    if (!fp && a.kind == 3)
        a.kind = 5;
    ms_str d = {0};
    const char *tn = types[s->type].c, *sx = types[s->type].suffix;
    if (a.kind == 2 || a.kind == 3) {
        if (s->type == T_F32 && chance(g, 50)) {
            ms_str_addf(&d, "%s %s = -INFINITY;", tn, s->name);
            s->bound = INFINITY;
        } else {
            ms_str_addf(&d, fp ? "%s %s = -100.0%s;" : "%s %s = -100;", tn, s->name, sx);
            s->bound = 100;
        }
    } else if (a.kind == 5) {
        ms_str_addf(&d, fp ? "%s %s = 100.0%s;" : "%s %s = 100;", tn, s->name, sx);
        s->bound = 100;
    } else if (a.kind == 4) {
        ms_str_addf(&d, "%s %s = 1.0%s;", tn, s->name, sx);
        s->bound = 1;
    } else {
        ms_str_addf(&d, fp ? "%s %s = 0.0%s;" : "%s %s = 0;", tn, s->name, sx);
        s->bound = 0;
    }
    node *decl = new_node(N_STMT, ms_str_take(&d));
    decl->decl = true;
    push(out, decl);
    push(out, loop(g, acc_update, &a));
    if (isinf(s->bound)) { /* a max over nothing stays -inf: clamp it on reading */
        s->bound = 100;
        char clamped[8];
        snprintf(clamped, sizeof clamped, "%s", s->name);
        ms_str st = {0};
        ms_str_addf(&st, "%s = fmaxf(%s, -100.0f);", clamped, clamped);
        push(out, new_node(N_STMT, ms_str_take(&st)));
    }
    s->readable = true;
    store(g, out, s);
}

/* An index helper of a padding check: int h = v + w - c, used under
 * h >= 0 && h < P as an index of that range. */
static void helper(gen *g, node_list *out)
{
    if (g->niv >= MAX_SCOPE - MAX_DEPTH || !g->niv)
        return;
    const index_var *v = &g->iv[pick(g, g->niv)], *w = &g->iv[pick(g, g->niv)];
    int p = pick(g, 2) ? v->p : pick(g, g->np), c = 1 + pick(g, 2);
    char name[8];
    snprintf(name, sizeof name, "h%d", g->nhelpers++ % 100);
    ms_str d = {0}, c2 = {0};
    if (v == w)
        ms_str_addf(&d, "int %s = %s - %d;", name, v->name, c);
    else
        ms_str_addf(&d, "int %s = %s + %s - %d;", name, v->name, w->name, c);
    node *decl = new_node(N_STMT, ms_str_take(&d));
    decl->decl = true;
    push(out, decl);
    ms_str_addf(&c2, "%s >= 0 && %s < N%d", name, name, p);
    node *guard = new_node(N_IF, ms_str_take(&c2));
    index_var *iv = &g->iv[g->niv++];
    snprintf(iv->name, sizeof iv->name, "%s", name);
    iv->p = p;
    int nsc = g->nsc;
    items(g, &guard->body, 1 + pick(g, 2));
    g->nsc = nsc;
    g->niv--;
    push(out, guard);
}

static void items(gen *g, node_list *out, int n)
{
    for (int i = 0; i < n; i++) {
        int what = pick(g, 100);
        if (what < 22 && g->depth < MAX_DEPTH) {
            push(out, loop(g, NULL, NULL));
        } else if (what < 40 && g->depth < MAX_DEPTH) {
            accumulator(g, out);
        } else if (what < 52 && g->niv) {
            ms_str c = {0};
            condition(g, &c, 0);
            node *f = new_node(N_IF, ms_str_take(&c));
            int nsc = g->nsc;
            items(g, &f->body, 1 + pick(g, 2));
            g->nsc = nsc;
            push(out, f);
        } else if (what < 60 && g->niv) {
            helper(g, out);
        } else {
            store(g, out, NULL);
        }
    }
    if (!out->len)
        store(g, out, NULL);
}

/* A local array, declared at the top and filled by a nest of its own. */
static void fill_inner(gen *g, node_list *out, void *ctx);

typedef struct fill_ctx {
    array *a;
    int level;
} fill_ctx;

static node *fill_loop(gen *g, fill_ctx *f)
{
    const char *v = counters[g->depth];
    int p = f->a->d[f->level].p;
    ms_str h = {0};
    if (g->c89)
        ms_str_addf(&h, "for (%s = 0; %s < N%d; %s++)", v, v, p, v);
    else
        ms_str_addf(&h, "for (%s %s = 0; %s < N%d; %s++)", g->ctype, v, v, p, v);
    scope sc = open_loop(g, v, p);
    node *n = new_node(N_LOOP, ms_str_take(&h));
    f->level++;
    fill_inner(g, &n->body, f);
    close_loop(g, sc);
    return n;
}

static void fill_inner(gen *g, node_list *out, void *ctx)
{
    fill_ctx *f = ctx;
    if (f->level < f->a->rank) {
        push(out, fill_loop(g, f));
        return;
    }
    /* every element written once, each by the counters of its dimensions */
    ms_str s = {0}, e = {0};
    ms_str_add(&s, f->a->name);
    for (int k = 0; k < f->a->rank; k++)
        ms_str_addf(&s, "[%s]", counters[k]);
    double b = bounded_expr(g, types[f->a->type].fp ? f->a->type : T_I32,
                            types[f->a->type].fp ? 1e6
                            : f->a->type == T_I8 ? 127
                                                 : 1e6,
                            &e);
    ms_str_addf(&s, " = %s;", ms_str_cstr(&e));
    f->a->bound = b;
    push(out, new_node(N_STMT, ms_str_take(&s)));
    ms_str_free(&e);
}

/* A local array's fill, every part of it: what reads it needs it all. */
static void keep_all(node *n)
{
    n->keep = true;
    for (int i = 0; i < n->body.len; i++)
        keep_all(n->body.data[i]);
}

static void local_array(gen *g, node_list *decls, node_list *out)
{
    array *a = new_array(g, true);
    if (!a)
        return;
    a->rank = 1 + pick(g, 2);
    for (int k = 0; k < a->rank; k++)
        a->d[k] = (dim){1, pick(g, g->np), 0};
    /* [N] is undefined at N = 0, [N + 1] is not: declared one larger, its
     * last element never used */
    bool pad = chance(g, 30);
    g->zero_ok = g->zero_ok && pad;
    ms_str d = {0};
    ms_str_addf(&d, "%s %s", types[a->type].c, a->name);
    for (int k = 0; k < a->rank; k++)
        ms_str_addf(&d, pad ? "[N%d + 1]" : "[N%d]", a->d[k].p);
    ms_str_add(&d, ";");
    node *decl = new_node(N_STMT, ms_str_take(&d));
    decl->decl = true;
    push(decls, decl);
    a->filling = true;
    fill_ctx f = {a, 0};
    node *n = fill_loop(g, &f);
    keep_all(n);
    a->filling = false;
    a->raw = true; /* never a store target after its fill */
    push(out, n);
}

/* ---- the kernel ---- */

static void signature(gen *g, kg_kernel *k, const char *noalias)
{
    ms_str s = {0};
    ms_str_add(&s, "#include <float.h>\n#include <math.h>\n#include <stdint.h>\n\n");
    ms_str_addf(&s, "#pragma mscc kernel%s sizes(", noalias);
    for (int p = 0; p < g->np; p++)
        ms_str_addf(&s, "%sN%d = %d", p ? ", " : "", p, g->hint[p]);
    ms_str_addf(&s, ")\nvoid %s(", k->name);
    for (int p = 0; p < g->np; p++)
        ms_str_addf(&s, "%s%s N%d", p ? ", " : "", g->ctype, p);
    if (g->alpha)
        ms_str_add(&s, ", float alpha");
    for (int i = 0; i < g->narr; i++) {
        const array *a = &g->arr[i];
        if (a->local)
            continue;
        ms_str_addf(&s, ",\n        %s%s ", a->written ? "" : "const ", types[a->type].c);
        if (a->pointer) {
            ms_str_addf(&s, "*%s%s", a->restrict_ ? "restrict " : "", a->name);
            continue;
        }
        ms_str_add(&s, a->name);
        for (int d = 0; d < a->rank; d++) {
            ms_str_add(&s, "[");
            if (d == 0 && a->restrict_)
                ms_str_add(&s, "restrict ");
            dim_text(&s, a->d[d]);
            ms_str_add(&s, "]");
        }
    }
    ms_str_add(&s, ")\n{\n");
    k->head = ms_str_take(&s);
}

kg_kernel *kg_generate(uint64_t seed)
{
    gen g = {0};
    ms_rng_seed(&g.r, seed * 0x9e3779b97f4a7c15ULL + 17);
    kg_kernel *k = ms_xcalloc(1, sizeof *k);
    snprintf(k->name, sizeof k->name, "rk%llu", (unsigned long long)seed);
    g.np = 1 + pick(&g, MAX_PARAMS);
    for (int p = 0; p < g.np; p++)
        g.hint[p] = chance(&g, 60) ? 8 + pick(&g, 17) : 1 + pick(&g, 7);
    g.c89 = chance(&g, 40);
    g.ctype = chance(&g, 80) ? "int" : "long";
    g.trips = 1;
    g.zero_ok = true;
    node_list decls = {0}, body = {0};
    int nests = 1 + pick(&g, 3);
    for (int i = 0; i < nests; i++) {
        if (chance(&g, 20))
            local_array(&g, &decls, &body);
        else if (chance(&g, 10))
            accumulator(&g, &body);
        else
            push(&body, loop(&g, NULL, NULL));
    }
    bool output = false;
    for (int i = 0; i < g.narr; i++)
        output = output || (!g.arr[i].local && g.arr[i].written);
    if (!output) /* something the comparison sees */
        push(&body, loop(&g, NULL, NULL));
    bool all_restrict = true;
    for (int i = 0; i < g.narr; i++)
        all_restrict = all_restrict && g.arr[i].restrict_;
    k->zero_ok = g.zero_ok;
    signature(&g, k, !all_restrict && chance(&g, 50) ? " noalias" : "");
    if (g.c89 && g.max_depth) {
        ms_str c = {0};
        ms_str_addf(&c, "%s ", g.ctype);
        for (int d = 0; d < g.max_depth; d++)
            ms_str_addf(&c, "%s%s", d ? ", " : "", counters[d]);
        ms_str_add(&c, ";");
        node *n = new_node(N_STMT, ms_str_take(&c));
        n->decl = true;
        n->keep = true;
        push(&k->top, n);
    }
    for (int i = 0; i < decls.len; i++)
        push(&k->top, decls.data[i]);
    for (int i = 0; i < body.len; i++)
        push(&k->top, body.data[i]);
    free(decls.data);
    free(body.data);
    return k;
}

/* ---- the tree ---- */

static node *copy_node(const node *n)
{
    node *c = new_node(n->kind, ms_xstrdup(n->text));
    c->keep = n->keep;
    c->decl = n->decl;
    for (int i = 0; i < n->body.len; i++)
        push(&c->body, copy_node(n->body.data[i]));
    return c;
}

static void free_node(node *n)
{
    for (int i = 0; i < n->body.len; i++)
        free_node(n->body.data[i]);
    free(n->body.data);
    free(n->text);
    free(n);
}

kg_kernel *kg_copy(const kg_kernel *k)
{
    kg_kernel *c = ms_xcalloc(1, sizeof *c);
    memcpy(c->name, k->name, sizeof c->name);
    c->zero_ok = k->zero_ok;
    c->head = ms_xstrdup(k->head);
    for (int i = 0; i < k->top.len; i++)
        push(&c->top, copy_node(k->top.data[i]));
    return c;
}

void kg_free(kg_kernel *k)
{
    if (!k)
        return;
    for (int i = 0; i < k->top.len; i++)
        free_node(k->top.data[i]);
    free(k->top.data);
    free(k->head);
    free(k);
}

const char *kg_name(const kg_kernel *k)
{
    return k->name;
}

bool kg_zero_ok(const kg_kernel *k)
{
    return k->zero_ok;
}

static void render_node(const node *n, int level, ms_str *s)
{
    ms_str_indent(s, level);
    ms_str_addf(s, n->kind == N_IF ? "if (%s)" : "%s", n->text);
    if (n->kind == N_STMT) {
        ms_str_add(s, "\n");
        return;
    }
    bool braces = n->body.len != 1 || n->body.data[0]->decl || n->body.data[0]->kind != N_STMT;
    ms_str_add(s, braces ? " {\n" : "\n");
    for (int i = 0; i < n->body.len; i++)
        render_node(n->body.data[i], level + 1, s);
    if (braces) {
        ms_str_indent(s, level);
        ms_str_add(s, "}\n");
    }
}

char *kg_render(const kg_kernel *k)
{
    ms_str s = {0};
    ms_str_add(&s, k->head);
    for (int i = 0; i < k->top.len; i++)
        render_node(k->top.data[i], 1, &s);
    ms_str_add(&s, "}\n");
    return ms_str_take(&s);
}

static int count(const node_list *l)
{
    int n = 0;
    for (int i = 0; i < l->len; i++)
        n += 1 + count(&l->data[i]->body);
    return n;
}

int kg_nodes(const kg_kernel *k)
{
    return count(&k->top);
}

/* Finds node `*index` in preorder under l and removes it. */
static int drop_in(node_list *l, int *index)
{
    for (int i = 0; i < l->len; i++) {
        node *n = l->data[i];
        if ((*index)-- == 0) {
            if (n->keep)
                return 0;
            free_node(n);
            memmove(&l->data[i], &l->data[i + 1], sizeof(node *) * (size_t)(l->len - i - 1));
            l->len--;
            return 1;
        }
        int r = drop_in(&n->body, index);
        if (r >= 0)
            return r;
    }
    return -1;
}

bool kg_drop(kg_kernel *k, int index)
{
    return drop_in(&k->top, &index) == 1;
}
