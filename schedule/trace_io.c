/*
 * trace_io.c - traces as text (a readable script, one line per
 * instruction, written and read back) and as JSON (schema version 1: instruction kinds by name,
 * variables by name, no pointers), so that a trace written by one mscc
 * replays in the next.
 */
#include "schedule/inst.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TRACE_SCHEMA = 1 };

static const char rv_prefix[] = {[MS_RV_BLOCK] = 'b', [MS_RV_LOOP] = 'l', [MS_RV_INT] = 'v'};

static void print_rv(const ms_trace *t, int rv, ms_str *out)
{
    ms_str_addf(out, "%c%d", rv_prefix[t->rv_kinds.data[rv]], rv);
}

static void print_operand(const ms_trace *t, const ms_operand *o, ms_str *out)
{
    if (o->rv >= 0)
        print_rv(t, o->rv, out);
    else
        ms_str_addf(out, "%" PRId64, o->lit);
}

static void print_list(const int64_t *v, int n, ms_str *out)
{
    ms_str_add(out, "[");
    for (int i = 0; i < n; i++)
        ms_str_addf(out, "%s%" PRId64, i ? ", " : "", v[i]);
    ms_str_add(out, "]");
}

void ms_trace_print(const ms_trace *t, ms_str *out)
{
    for (int i = 0; i < t->insts.len; i++) {
        const ms_inst *in = &t->insts.data[i];
        for (int k = 0; k < in->nout; k++) {
            if (k)
                ms_str_add(out, ", ");
            print_rv(t, in->out[k], out);
        }
        ms_str_addf(out, "%s%s(", in->nout ? " = " : "", ms_inst_name(in->kind));
        bool first = true;
        if (in->str[0] && in->kind != MS_INST_ANNOTATE) {
            ms_str_addf(out, "\"%s\"", in->str);
            first = false;
        }
        int nplain = in->kind == MS_INST_SPLIT              ? 1
                     : in->kind == MS_INST_TRANSFORM_LAYOUT ? 0
                                                            : in->nin;
        for (int k = 0; k < nplain; k++, first = false) {
            ms_str_add(out, first ? "" : ", ");
            if (in->kind == MS_INST_ANNOTATE && k == 1)
                ms_str_addf(out, "\"%s\", ", in->str);
            print_operand(t, &in->in[k], out);
        }
        if (in->kind == MS_INST_SPLIT) {
            ms_str_add(out, ", factors=[");
            for (int k = 1; k < in->nin; k++) {
                ms_str_add(out, k > 1 ? ", " : "");
                print_operand(t, &in->in[k], out);
            }
            ms_str_add(out, "]");
        }
        if (in->kind == MS_INST_TRANSFORM_LAYOUT && in->nattr == 1) {
            int nf = (int)in->attr[0];
            for (int k = 0; k < in->nin; k++) {
                ms_str_add(out, k == 0 ? ", factors=[" : k == nf ? "], perm=[" : ", ");
                print_operand(t, &in->in[k], out);
            }
            ms_str_add(out, "]");
        }
        if (in->kind == MS_INST_SAMPLE_PERFECT_TILE)
            ms_str_addf(out, ", n=%" PRId64 ", max_innermost=%" PRId64, in->attr[0], in->attr[1]);
        if (in->kind == MS_INST_SAMPLE_CATEGORICAL) {
            print_list(in->attr, in->nattr, out);
            ms_str_add(out, ", weights=[");
            for (int k = 0; k < in->nattr; k++)
                ms_str_addf(out, "%s%g", k ? ", " : "", in->weight[k]);
            ms_str_add(out, "]");
        }
        ms_str_add(out, ")");
        if (in->ndecision) {
            ms_str_add(out, "  # decision: ");
            print_list(in->decision, in->ndecision, out);
        }
        ms_str_add(out, "\n");
    }
}

/* ---- JSON ---- */

static cJSON *rv_json(const ms_trace *t, int rv)
{
    char name[32];
    snprintf(name, sizeof name, "%c%d", rv_prefix[t->rv_kinds.data[rv]], rv);
    return cJSON_CreateString(name);
}

static cJSON *ints_json(const int64_t *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[i]));
    return a;
}

char *ms_trace_to_json(const ms_trace *t)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "mscc_trace", TRACE_SCHEMA);
    cJSON *insts = cJSON_AddArrayToObject(root, "insts");
    for (int i = 0; i < t->insts.len; i++) {
        const ms_inst *in = &t->insts.data[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", ms_inst_name(in->kind));
        if (in->nin) {
            cJSON *a = cJSON_AddArrayToObject(o, "in");
            for (int k = 0; k < in->nin; k++)
                cJSON_AddItemToArray(a, in->in[k].rv >= 0
                                            ? rv_json(t, in->in[k].rv)
                                            : cJSON_CreateNumber((double)in->in[k].lit));
        }
        if (in->str[0])
            cJSON_AddStringToObject(o, "str", in->str);
        if (in->nattr)
            cJSON_AddItemToObject(o, "attr", ints_json(in->attr, in->nattr));
        if (in->kind == MS_INST_SAMPLE_CATEGORICAL) {
            cJSON *w = cJSON_AddArrayToObject(o, "weights");
            for (int k = 0; k < in->nattr; k++)
                cJSON_AddItemToArray(w, cJSON_CreateNumber(in->weight[k]));
        }
        cJSON *outs = cJSON_AddArrayToObject(o, "out");
        for (int k = 0; k < in->nout; k++)
            cJSON_AddItemToArray(outs, rv_json(t, in->out[k]));
        if (in->ndecision)
            cJSON_AddItemToObject(o, "decision", ints_json(in->decision, in->ndecision));
        cJSON_AddItemToArray(insts, o);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char *r = ms_xstrdup(text);
    cJSON_free(text);
    return r;
}

/* "l12" -> kind LOOP, index 12 */
static bool parse_rv(const char *s, ms_rv_kind *kind, int *idx)
{
    if (!s || !s[0])
        return false;
    int k = s[0] == 'b' ? MS_RV_BLOCK : s[0] == 'l' ? MS_RV_LOOP : s[0] == 'v' ? MS_RV_INT : -1;
    char *end;
    long v = strtol(s + 1, &end, 10);
    if (k < 0 || *end || end == s + 1 || v < 0 || v > 1000000)
        return false;
    *kind = (ms_rv_kind)k;
    *idx = (int)v;
    return true;
}

static bool int_array(const cJSON *a, int64_t *out, int cap, int *n)
{
    if (!a) {
        *n = 0;
        return true;
    }
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > cap)
        return false;
    *n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a)
    {
        if (!cJSON_IsNumber(x) || !ms_int_of_double(x->valuedouble, INT64_MIN, INT64_MAX, &out[*n]))
            return false;
        (*n)++;
    }
    return true;
}

/* Trace variables are renumbered in order of definition, so that a trace
 * whose names were edited by hand still reads. */
typedef struct names {
    MS_VEC(int) from; /* name index in the file */
    MS_VEC(int) to;   /* trace variable */
} name_map;

static int lookup(const name_map *nm, int from)
{
    for (int i = 0; i < nm->from.len; i++)
        if (nm->from.data[i] == from)
            return nm->to.data[i];
    return -1;
}

/* Result name s of in, a new trace variable; false when bad or repeated. */
static bool bind_result(ms_trace *t, name_map *nm, const char *s, ms_inst *in)
{
    ms_rv_kind k;
    int idx;
    if (!parse_rv(s, &k, &idx) || lookup(nm, idx) >= 0)
        return false;
    MS_VEC_PUSH(t->rv_kinds, k);
    MS_VEC_PUSH(nm->from, idx);
    MS_VEC_PUSH(nm->to, t->rv_kinds.len - 1);
    in->out[in->nout++] = t->rv_kinds.len - 1;
    return true;
}

static const char *read_inst(const cJSON *o, ms_trace *t, name_map *nm, ms_inst *in)
{
    memset(in, 0, sizeof *in);
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
    if (!cJSON_IsString(kind) || !ms_inst_kind_from_name(kind->valuestring, &in->kind))
        return "unknown instruction kind";
    const cJSON *ins = cJSON_GetObjectItemCaseSensitive(o, "in"), *x;
    if (ins && (!cJSON_IsArray(ins) || cJSON_GetArraySize(ins) > MS_INST_MAX_IN))
        return "bad 'in'";
    cJSON_ArrayForEach(x, ins)
    {
        ms_operand *op = &in->in[in->nin++];
        if (cJSON_IsNumber(x)) {
            *op = (ms_operand){-1, 0};
            if (!ms_int_of_double(x->valuedouble, INT64_MIN, INT64_MAX, &op->lit))
                return "bad 'in'";
            continue;
        }
        ms_rv_kind k;
        int idx;
        if (!cJSON_IsString(x) || !parse_rv(x->valuestring, &k, &idx))
            return "bad operand";
        int rv = lookup(nm, idx);
        if (rv < 0 || t->rv_kinds.data[rv] != k)
            return "an operand is used before it is defined";
        *op = (ms_operand){rv, 0};
    }
    const cJSON *str = cJSON_GetObjectItemCaseSensitive(o, "str");
    if (str && (!cJSON_IsString(str) || strlen(str->valuestring) >= sizeof in->str))
        return "bad 'str'";
    if (str)
        snprintf(in->str, sizeof in->str, "%s", str->valuestring);
    if (!int_array(cJSON_GetObjectItemCaseSensitive(o, "attr"), in->attr, MS_INST_MAX_IN,
                   &in->nattr))
        return "bad 'attr'";
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "weights");
    if (w) {
        int k = 0;
        if (!cJSON_IsArray(w) || cJSON_GetArraySize(w) != in->nattr)
            return "bad 'weights'";
        cJSON_ArrayForEach(x, w)
        {
            if (!cJSON_IsNumber(x))
                return "bad 'weights'";
            in->weight[k++] = x->valuedouble;
        }
    }
    if (!int_array(cJSON_GetObjectItemCaseSensitive(o, "decision"), in->decision, MS_INST_MAX_OUT,
                   &in->ndecision))
        return "bad 'decision'";
    const cJSON *outs = cJSON_GetObjectItemCaseSensitive(o, "out");
    if (outs && (!cJSON_IsArray(outs) || cJSON_GetArraySize(outs) > MS_INST_MAX_OUT))
        return "bad 'out'";
    cJSON_ArrayForEach(x, outs)
    {
        if (!cJSON_IsString(x) || !bind_result(t, nm, x->valuestring, in))
            return "bad or repeated result name";
    }
    return NULL;
}

ms_trace *ms_trace_from_json(const char *text, const char **why)
{
    cJSON *root = cJSON_Parse(text);
    ms_trace *t = ms_trace_new();
    name_map nm = {0};
    *why = NULL;
    if (!root) {
        *why = "not JSON";
    } else {
        const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "mscc_trace");
        const cJSON *insts = cJSON_GetObjectItemCaseSensitive(root, "insts"), *o;
        if (!cJSON_IsNumber(ver) || ver->valueint != TRACE_SCHEMA)
            *why = "not an mscc trace of schema version 1";
        else if (!cJSON_IsArray(insts))
            *why = "no 'insts' array";
        else
            cJSON_ArrayForEach(o, insts)
            {
                ms_inst in;
                if ((*why = read_inst(o, t, &nm, &in)))
                    break;
                MS_VEC_PUSH(t->insts, in);
            }
    }
    cJSON_Delete(root);
    free(nm.from.data);
    free(nm.to.data);
    if (*why) {
        ms_trace_free(t);
        return NULL;
    }
    return t;
}

/* ---- text: what ms_trace_print writes, read back ---- */

typedef struct cursor {
    const char *p;
} cursor;

static void skip_blanks(cursor *c)
{
    while (*c->p == ' ' || *c->p == '\t')
        c->p++;
}

static bool eat(cursor *c, char ch)
{
    skip_blanks(c);
    if (*c->p != ch)
        return false;
    c->p++;
    return true;
}

static bool word(cursor *c, char *buf, size_t n)
{
    skip_blanks(c);
    size_t len = 0;
    while ((*c->p >= 'a' && *c->p <= 'z') || (*c->p >= 'A' && *c->p <= 'Z') || *c->p == '_' ||
           (len > 0 && *c->p >= '0' && *c->p <= '9')) {
        if (len + 1 >= n)
            return false;
        buf[len++] = *c->p++;
    }
    buf[len] = '\0';
    return len > 0;
}

static bool integer(cursor *c, int64_t *v)
{
    skip_blanks(c);
    const char *q = c->p + (*c->p == '-');
    if (*q < '0' || *q > '9')
        return false;
    errno = 0;
    char *end;
    long long x = strtoll(c->p, &end, 10);
    if (errno == ERANGE)
        return false;
    *v = x;
    c->p = end;
    return true;
}

static bool number(cursor *c, double *v)
{
    skip_blanks(c);
    char *end;
    *v = strtod(c->p, &end);
    if (end == c->p || !isfinite(*v))
        return false;
    c->p = end;
    return true;
}

static bool quoted(cursor *c, char *buf, size_t n)
{
    if (!eat(c, '"'))
        return false;
    size_t len = strcspn(c->p, "\"\n");
    if (c->p[len] != '"' || len >= n)
        return false;
    memcpy(buf, c->p, len);
    buf[len] = '\0';
    c->p += len + 1;
    return true;
}

/* A literal or a variable defined above ("l12", renumbered by nm). */
static const char *text_operand(cursor *c, const ms_trace *t, const name_map *nm, ms_operand *op)
{
    char name[32];
    skip_blanks(c);
    if (integer(c, &op->lit)) {
        op->rv = -1;
        return NULL;
    }
    ms_rv_kind k;
    int idx;
    if (!word(c, name, sizeof name) || !parse_rv(name, &k, &idx))
        return "bad operand";
    int rv = lookup(nm, idx);
    if (rv < 0 || t->rv_kinds.data[rv] != k)
        return "an operand is used before it is defined";
    *op = (ms_operand){rv, 0};
    return NULL;
}

/* "[a, b, ...]" of operands (into in->in) */
static const char *operand_list(cursor *c, const ms_trace *t, const name_map *nm, ms_inst *in)
{
    if (!eat(c, '['))
        return "want '['";
    if (eat(c, ']'))
        return NULL;
    do {
        if (in->nin >= MS_INST_MAX_IN)
            return "too many operands";
        const char *why = text_operand(c, t, nm, &in->in[in->nin++]);
        if (why)
            return why;
    } while (eat(c, ','));
    return eat(c, ']') ? NULL : "want ']'";
}

static const char *int_list(cursor *c, int64_t *v, int cap, int *n)
{
    *n = 0;
    if (!eat(c, '['))
        return "want '['";
    if (eat(c, ']'))
        return NULL;
    do {
        if (*n >= cap || !integer(c, &v[*n]))
            return "bad list of integers";
        (*n)++;
    } while (eat(c, ','));
    return eat(c, ']') ? NULL : "want ']'";
}

/* The arguments between the parentheses; each printed form of
 * ms_trace_print (split's factors=, transform_layout's factors= and
 * perm=, sample_perfect_tile's n= and max_innermost=, sample_categorical's
 * list and weights=, annotate's key after its first operand). */
static const char *text_args(cursor *c, const ms_trace *t, const name_map *nm, ms_inst *in)
{
    if (eat(c, ')'))
        return NULL;
    if (in->kind != MS_INST_ANNOTATE && *(skip_blanks(c), c->p) == '"') {
        if (!quoted(c, in->str, sizeof in->str))
            return "bad string";
        if (eat(c, ')'))
            return NULL;
        if (!eat(c, ','))
            return "want ','";
    }
    for (;;) {
        char key[32];
        const char *at = (skip_blanks(c), c->p), *why = NULL;
        if (*c->p == '"' && in->kind == MS_INST_ANNOTATE && in->nin == 1) {
            why = quoted(c, in->str, sizeof in->str) ? NULL : "bad string";
        } else if (*c->p == '[' && in->kind == MS_INST_SAMPLE_CATEGORICAL && !in->nattr) {
            why = int_list(c, in->attr, MS_INST_MAX_IN, &in->nattr);
        } else if (word(c, key, sizeof key) && eat(c, '=')) {
            bool split = in->kind == MS_INST_SPLIT, layout = in->kind == MS_INST_TRANSFORM_LAYOUT;
            bool tile = in->kind == MS_INST_SAMPLE_PERFECT_TILE;
            if (!strcmp(key, "factors") && (split || (layout && !in->nattr))) {
                why = operand_list(c, t, nm, in);
                if (layout && !why) {
                    in->attr[0] = in->nin;
                    in->nattr = 1;
                }
            } else if (!strcmp(key, "perm") && layout && in->nattr == 1) {
                why = operand_list(c, t, nm, in);
            } else if (!strcmp(key, "n") && tile && in->nattr == 0) {
                why = integer(c, &in->attr[0]) ? NULL : "bad n=";
                in->nattr = 1;
            } else if (!strcmp(key, "max_innermost") && tile && in->nattr == 1) {
                why = integer(c, &in->attr[1]) ? NULL : "bad max_innermost=";
                in->nattr = 2;
            } else if (!strcmp(key, "weights") && in->kind == MS_INST_SAMPLE_CATEGORICAL) {
                int k = 0;
                why = eat(c, '[') ? NULL : "want '['";
                while (!why && k < in->nattr && number(c, &in->weight[k]))
                    k++, why = k < in->nattr && !eat(c, ',') ? "want ','" : NULL;
                why = why ? why : k != in->nattr || !eat(c, ']') ? "bad weights=" : NULL;
            } else {
                why = "an argument that this instruction does not take";
            }
        } else {
            c->p = at; /* an operand */
            why = in->nin >= MS_INST_MAX_IN ? "too many operands"
                                            : text_operand(c, t, nm, &in->in[in->nin++]);
        }
        if (why)
            return why;
        if (eat(c, ')'))
            return NULL;
        /* the categorical's list follows its operands without a comma */
        if (!eat(c, ',') && !(in->kind == MS_INST_SAMPLE_CATEGORICAL && *c->p == '['))
            return "want ',' or ')'";
    }
}

/* One line: [OUT, ... =] NAME(ARGS) [# decision: [...]] */
static const char *text_inst(const char *line, ms_trace *t, name_map *nm, ms_inst *in)
{
    memset(in, 0, sizeof *in);
    cursor c = {line};
    char name[32], outs[MS_INST_MAX_OUT][32];
    int nout = 0;
    if (!word(&c, name, sizeof name))
        return "want an instruction";
    while (eat(&c, ',') || (*(skip_blanks(&c), c.p) == '=' && c.p++)) {
        if (nout >= MS_INST_MAX_OUT)
            return "too many results";
        snprintf(outs[nout++], sizeof outs[0], "%s", name);
        if (!word(&c, name, sizeof name))
            return "want a result or an instruction";
    }
    if (!ms_inst_kind_from_name(name, &in->kind))
        return "unknown instruction kind";
    if (!eat(&c, '('))
        return "want '('";
    const char *why = text_args(&c, t, nm, in);
    if (why)
        return why;
    if (eat(&c, '#')) {
        char key[32];
        if (!word(&c, key, sizeof key) || strcmp(key, "decision") || !eat(&c, ':'))
            return "a comment other than '# decision: [...]'";
        if ((why = int_list(&c, in->decision, MS_INST_MAX_OUT, &in->ndecision)))
            return why;
    }
    skip_blanks(&c);
    if (*c.p && *c.p != '\n' && *c.p != '\r')
        return "text after the instruction";
    for (int k = 0; k < nout; k++)
        if (!bind_result(t, nm, outs[k], in))
            return "bad or repeated result name";
    return NULL;
}

/* A line's text after its blanks and a leading '*' (a line pasted from the
 * comment atop a tuned body). */
static const char *line_start(const char *p)
{
    p += strspn(p, " \t");
    if (*p == '*')
        p += 1 + strspn(p + 1, " \t");
    return p;
}

ms_trace *ms_trace_from_text(const char *text, const char **why)
{
    ms_trace *t = ms_trace_new();
    name_map nm = {0};
    *why = NULL;
    for (const char *line = text; line && *line && !*why;) {
        const char *p = line_start(line), *next = strchr(line, '\n');
        if (*p && *p != '\n' && *p != '\r' && *p != '#') {
            ms_inst in;
            if (!(*why = text_inst(p, t, &nm, &in)))
                MS_VEC_PUSH(t->insts, in);
        }
        line = next ? next + 1 : NULL;
    }
    free(nm.from.data);
    free(nm.to.data);
    if (*why) {
        ms_trace_free(t);
        return NULL;
    }
    return t;
}

/* ---- documents: traces keyed by kernel name ---- */

/* A document read in part, dropped: -1. */
static int drop_doc(int k, char ***names, ms_trace ***traces)
{
    for (int i = 0; i < k; i++) {
        free((*names)[i]);
        ms_trace_free((*traces)[i]);
    }
    free(*names);
    free(*traces);
    *names = NULL; /* the caller's result may free them again */
    *traces = NULL;
    return -1;
}

/* The text form: "# kernel NAME" before each trace (--print-trace=text). */
static int text_doc_parse(const char *text, char ***names, ms_trace ***traces, const char **why)
{
    static const char head[] = "# kernel ";
    int n = 0, k = 0;
    for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        n += !strncmp(line_start(p), head, strlen(head));
    const char *first = line_start(text);
    while (*first == '\n' || *first == '\r')
        first = line_start(first + 1);
    if (!n || strncmp(first, head, strlen(head))) {
        *why = "neither JSON nor a text trace ('# kernel NAME', then its instructions)";
        return -1;
    }
    *names = ms_xcalloc((size_t)n, sizeof(char *));
    *traces = ms_xcalloc((size_t)n, sizeof(ms_trace *));
    for (const char *p = first; p && k < n && !*why;) {
        p += strlen(head);
        size_t len = strcspn(p, " \t\r\n");
        const char *body = strchr(p, '\n'), *end = body;
        while (end && strncmp(line_start(end + 1), head, strlen(head)))
            end = strchr(end + 1, '\n');
        size_t blen = !body ? 0 : end ? (size_t)(end - body) : strlen(body);
        char *one = ms_xmalloc(blen + 1);
        memcpy(one, body ? body : "", blen);
        one[blen] = '\0';
        ms_trace *t = len ? ms_trace_from_text(one, why) : NULL;
        if (!len)
            *why = "'# kernel' without a name";
        free(one);
        if (t) {
            (*names)[k] = ms_xmalloc(len + 1);
            memcpy((*names)[k], p, len);
            (*names)[k][len] = '\0';
            (*traces)[k++] = t;
        }
        p = end ? line_start(end + 1) : NULL;
    }
    return *why ? drop_doc(k, names, traces) : k;
}

int ms_trace_doc_parse(const char *text, char ***names, ms_trace ***traces, const char **why)
{
    *why = NULL;
    if (*(text + strspn(text, " \t\r\n")) != '{')
        return text_doc_parse(text, names, traces, why);
    cJSON *root = cJSON_Parse(text);
    *why = NULL;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        *why = "not a JSON object keyed by kernel name";
        return -1;
    }
    /* one trace as the database records it ({"mscc_trace": 1, ...}): say
     * how to name its kernel. Only its version number tells it: a kernel
     * may be named mscc_trace (the trace fuzz target's text document
     * "# kernel mscc_trace" wrote a keyed document that read back as one
     * trace). */
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, "mscc_trace"))) {
        cJSON_Delete(root);
        *why = "one trace, not keyed by kernel name (write {\"KERNEL\": {\"mscc_trace\": ...}})";
        return -1;
    }
    int n = cJSON_GetArraySize(root), k = 0;
    *names = ms_xcalloc((size_t)(n ? n : 1), sizeof(char *));
    *traces = ms_xcalloc((size_t)(n ? n : 1), sizeof(ms_trace *));
    const cJSON *item;
    cJSON_ArrayForEach(item, root)
    {
        char *one = cJSON_PrintUnformatted(item);
        ms_trace *t = ms_trace_from_json(one, why);
        cJSON_free(one);
        if (!t)
            break;
        (*names)[k] = ms_xstrdup(item->string);
        (*traces)[k++] = t;
    }
    cJSON_Delete(root);
    return *why ? drop_doc(k, names, traces) : k;
}

char *ms_trace_doc_to_json(int n, const char *const *names, ms_trace *const *traces)
{
    cJSON *root = cJSON_CreateObject();
    for (int i = 0; i < n; i++) {
        char *one = ms_trace_to_json(traces[i]);
        cJSON_AddItemToObject(root, names[i], cJSON_Parse(one));
        free(one);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char *r = ms_xstrdup(text);
    cJSON_free(text);
    return r;
}
