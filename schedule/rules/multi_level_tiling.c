/*
 * multi_level_tiling.c - the multi-level tiling rule (MetaSchedule's CPU
 * structure "SSRSRS"): every spatial loop of a reduction block with data
 * reuse is split into four sampled tiles and every reduction loop into
 * two, reordered S0 S1 R0 S2 R1 S3 so that the innermost tiles form a
 * small block of the output updated from data that stays in cache. The
 * initialisation moves just before R0, into a nest of the S2 S3 tile (a
 * block setting the element just before the reduction's nest becomes its
 * init first: merge_init). It
 * proposes each
 * combination of two sampled-free structural choices: a register tile of
 * the output at the S2 level (cache_write), and the packing of the input
 * whose last subscript runs along the innermost output tile, or, in a
 * transposed operand, whose last subscript is a reduction (transform_layout
 * by that tile's sampled width), so the innermost loop reads both
 * contiguously. A third structure, S0 S1 S2 R S3, keeps the reductions
 * whole inside the S2 tiles and the init in the block: its register tile
 * is filled by the init itself (depthwise: 61 to 54 us for the same tiles).
 *
 * With an intrinsic of the target's ISA (ir/intrin.c), for a block shaped
 * like a matrix product (two spatial loops, one reduction) whose tuning
 * sizes the intrinsic's shape divides: SSRSRS whose S3 tiles are that
 * shape (the rest of each spatial loop sampled in three), a register
 * tile, B packed when it can be, and the R1 S3 S3 nest tensorized; or
 * SSSRS, the tile zeroed before the whole reduction (the init decomposed
 * there) and the R S3 S3 nest tensorized.
 *
 * Under --fp-model=strict the reduction loops are not split: splitting
 * several of them and interleaving the halves would change the order in
 * which each element's terms are added.
 */
#include "schedule/prim/prim.h"
#include "schedule/rules/rules.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_LOOPS = 8, S_TILES = 4, R_TILES = 2, MAX_INNERMOST = 64, REDRAWS = 16 };

typedef struct uses {
    const ms_stmt *b;
    int iter; /* which iteration variable is tested */
    bool found;
} uses;

/* Does the block's iteration variable iter appear in e? */
static bool uses_iter(const ms_stmt *b, int iter, const ms_expr *e)
{
    return ms_expr_uses_var(e, b->block.iters[iter].var);
}

/* The loads of e (its top-level expression and below), for the reuse test. */
typedef struct loads {
    const ms_expr *items[64];
    int n;
} loads;

static ms_expr *collect_load(void *ctx, ms_expr *load)
{
    loads *l = ctx;
    if (l->n < 64)
        l->items[l->n++] = load;
    return load;
}

/* Some input is read again across a spatial loop (the loads miss its
 * variable): the reuse that tiling exploits. */
static bool has_reuse(ms_func *f, const ms_stmt *b, const bool *spatial, const int *iter_of, int n)
{
    loads l = {.n = 0};
    ms_expr_map_loads(f, b->block.body->store.value, collect_load, &l);
    for (int j = 0; j < l.n; j++) {
        const ms_expr *ld = l.items[j];
        if (ld->load.buf == b->block.body->store.buf)
            continue;
        for (int i = 0; i < n; i++) {
            if (!spatial[i])
                continue;
            bool used = false;
            for (int d = 0; d < ld->load.nidx; d++)
                used = used || uses_iter(b, iter_of[i], ld->load.idx[d]);
            if (!used)
                return true;
        }
    }
    return false;
}

/* The read-only array parameter that packing makes contiguous along a
 * spatial loop (*which) and its subscript along that loop (*dim): either
 * the last subscript runs along the loop and another holds a reduction
 * variable (B[k][j]), or, transposed, a subscript is the innermost spatial
 * loop itself and the last holds a reduction variable (W[j][k], packed to
 * W'[j/16][k][16]). NULL if none. */
static const ms_buffer *packable(ms_func *f, const ms_stmt *b, const bool *spatial,
                                 const int *iter_of, int n, int *which, int *dim)
{
    loads l = {.n = 0};
    ms_expr_map_loads(f, b->block.body->store.value, collect_load, &l);
    int inner = -1;
    for (int i = 0; i < n; i++)
        if (spatial[i])
            inner = i;
    for (int transposed = 0; transposed < 2; transposed++)
        for (int j = 0; j < l.n; j++) {
            const ms_expr *ld = l.items[j];
            const ms_buffer *buf = ld->load.buf;
            int nd = ld->load.nidx;
            if (buf->scope != MS_SCOPE_PARAM || !buf->is_const || nd < 2 || nd > 4)
                continue;
            for (int p = transposed ? 0 : nd - 1; p < (transposed ? nd - 1 : nd); p++) {
                int along = prim_iter_index(b, ld->load.idx[p]);
                /* a reduction variable in another subscript (transposed:
                 * in the last one) */
                bool reduce_elsewhere = false;
                for (int d = transposed ? nd - 1 : 0; d < nd; d++)
                    for (int k = 0; k < b->block.niter && d != p; k++)
                        reduce_elsewhere =
                            reduce_elsewhere || (b->block.iters[k].kind == MS_ITER_REDUCE &&
                                                 uses_iter(b, k, ld->load.idx[d]));
                for (int i = 0; i < n && along >= 0 && reduce_elsewhere; i++)
                    if (spatial[i] && iter_of[i] == along && (!transposed || i == inner)) {
                        *which = i;
                        *dim = p;
                        return buf;
                    }
            }
        }
    return NULL;
}

/* loop split in k tiles of sampled factors (a perfect tile): the loops in
 * parts, the factors as operands in ops. */
static void split_sampled(ms_tracer *t, int loop, int k, int *parts, ms_operand *ops)
{
    int fac[S_TILES];
    ms_t_sample_perfect_tile(t, loop, k, MAX_INNERMOST, fac);
    for (int j = 0; j < k; j++)
        ops[j] = (ms_operand){fac[j], 0};
    ms_t_split(t, loop, k, ops, parts);
}

/* What tiling found out about the block's nest. */
typedef struct tiled {
    int ns, nr;           /* spatial and reduction loops */
    const char *pack_buf; /* the input to pack, or NULL */
    int pack_dims;
    int pack_dim;           /* the dimension split by the packing */
    ms_operand pack_factor; /* the S3 factor of the loop along that dimension */
} tiled;

/* Tiles block in a fork of tr. NULL when the block is not one to tile or
 * a step is refused. r_inside: the reductions stay whole, inside the S2
 * tiles (S0 S1 S2 R S3), and the init stays in the block, for a register
 * tile that the init itself fills. */
static ms_tracer *tile(ms_tracer *tr, const char *block, bool r_inside, const ms_intrin *in,
                       tiled *info)
{
    ms_func *f = tr->s->f;
    const ms_stmt *b = rule_find_block(f, block);
    if (!b || b->block.body->kind != MS_STMT_STORE || (r_inside && !b->block.init))
        return NULL;
    ms_stmt *around[64];
    int n = prim_enclosing_loops(tr->s, b, around, 64);
    bool spatial[MAX_LOOPS];
    int iter_of[MAX_LOOPS];
    if (n < 2 || n > MAX_LOOPS || !ms_loop_holds_only(around[0], b) ||
        !rule_classify_loops(b, around, n, spatial, iter_of) ||
        !has_reuse(f, b, spatial, iter_of, n))
        return NULL;
    *info = (tiled){0, 0, NULL, 0, 0, {-1, 1}};
    for (int i = 0; i < n; i++) {
        info->ns += spatial[i];
        if (rule_tuning_extent(f, around[i]) < 1)
            return NULL;
    }
    info->nr = n - info->ns;
    if (info->ns == 0 || info->nr == 0)
        return NULL;
    /* with an intrinsic: its C[i][j] += A[i][k] * B[k][j], j along the
     * output's rows, i the innermost other spatial loop, k the innermost
     * reduction; S3 tiles of its shape, the other S3 (and R1) tiles 1 */
    int i_loop = -1, j_loop = -1;
    if (in) {
        if (info->ns < 2 || f->fp_strict)
            return NULL;
        if (!rule_product_loops(b, spatial, iter_of, n, &i_loop, &j_loop) ||
            rule_tuning_extent(f, around[i_loop]) % in->mr ||
            rule_tuning_extent(f, around[j_loop]) % in->nr)
            return NULL;
    }
    int which = -1, dim = -1;
    const ms_buffer *pk = packable(f, b, spatial, iter_of, n, &which, &dim);
    if (pk) {
        info->pack_buf = pk->name;
        info->pack_dims = pk->ndim;
        info->pack_dim = dim;
    }
    int r_tiles = f->fp_strict || r_inside ? 1 : R_TILES;
    ms_tracer *t = ms_tracer_fork(tr);
    int rv = ms_t_get_block(t, block), l[MS_INST_MAX_OUT];
    int got = ms_t_get_loops(t, rv, l);
    int parts[MAX_LOOPS][S_TILES];
    for (int i = 0; i < n && got == n && t->status == MS_OK; i++) {
        int k = spatial[i] ? S_TILES : r_tiles, out[S_TILES];
        if (k == 1) {
            parts[i][0] = l[i];
            continue;
        }
        bool inner_reduction = true;
        for (int m = i + 1; m < n; m++)
            inner_reduction = inner_reduction && spatial[m];
        if (in && !spatial[i] && !inner_reduction) {
            ms_t_split(t, l[i], 2, (ms_operand[]){{-1, -1}, {-1, 1}}, out);
            parts[i][0] = out[0];
            parts[i][1] = out[1];
            continue;
        }
        if (in && spatial[i]) {
            /* the intrinsic's side (or 1), then three sampled tiles of the rest */
            ms_operand side = {-1, i == i_loop ? in->mr : i == j_loop ? in->nr : 1};
            ms_t_split(t, l[i], 2, (ms_operand[]){{-1, -1}, side}, out);
            parts[i][S_TILES - 1] = out[1];
            ms_operand ops[S_TILES];
            split_sampled(t, out[0], S_TILES - 1, parts[i], ops);
            if (i == which)
                info->pack_factor = side;
            continue;
        }
        ms_operand ops[S_TILES];
        split_sampled(t, l[i], k, parts[i], ops);
        if (i == which)
            info->pack_factor = ops[S_TILES - 1];
    }
    if (got != n || t->status != MS_OK) {
        ms_tracer_free(t);
        return NULL;
    }
    /* S0 S1 R0 S2 R1 S3 (R1 empty when the reductions stay whole), or
     * S0 S1 S2 R S3 */
    typedef struct level {
        bool s;
        int part;
    } level;
    static const level ssrsrs[] = {{true, 0}, {true, 1},  {false, 0},
                                   {true, 2}, {false, 1}, {true, 3}},
                       sssrs[] = {{true, 0}, {true, 1}, {true, 2}, {false, 0}, {true, 3}};
    const level *levels = r_inside ? sssrs : ssrsrs;
    int nlevels = r_inside ? 5 : 6;
    int order[MS_INST_MAX_IN], m = 0;
    for (int lv = 0; lv < nlevels; lv++)
        for (int i = 0; i < n; i++)
            if (spatial[i] == levels[lv].s && levels[lv].part < (spatial[i] ? S_TILES : r_tiles))
                order[m++] = parts[i][levels[lv].part];
    ms_t_reorder(t, m, order);
    /* the init just before the first reduction loop (MetaSchedule's place):
     * it sets the S2 S3 tile while that tile is in cache, rather than the
     * whole output in a nest of its own that the tile then reads back from
     * memory. An accumulation into the output as it is (C +=) has none. */
    if (b->block.init && !r_inside)
        ms_t_decompose_reduction(t, rv, order[2 * info->ns]);
    if (t->status != MS_OK) {
        ms_tracer_free(t);
        return NULL;
    }
    return t;
}

/* One proposal: base with a register tile (cache) and the packing (pack),
 * or NULL when a step is refused. */
static ms_tracer *finish(ms_tracer *base, const char *block, const tiled *info, bool r_inside,
                         bool cache, bool pack)
{
    ms_tracer *t = ms_tracer_fork(base);
    int rv = ms_t_get_block(t, block), l[MS_INST_MAX_OUT];
    int n = ms_t_get_loops(t, rv, l);
    /* the register tile: what one iteration of the last S2 loop writes */
    int s2 = r_inside ? 3 * info->ns - 1 : 3 * info->ns + info->nr - 1;
    if (cache && s2 < n)
        ms_t_cache_write(t, rv, l[s2], "register");
    else if (cache)
        t->status = MS_ERR_INPUT;
    if (pack && t->status == MS_OK) {
        int nd = info->pack_dims, p = info->pack_dim, k = 1;
        ms_operand fac[4];
        int64_t perm[5];
        for (int d = 0; d < nd; d++)
            fac[d] = d == p ? info->pack_factor : (ms_operand){-1, 1};
        /* of the split dimensions (p the outer part of the packed
         * one, p + 1 its inner part): the outer part first, the
         * inner part last, the others in order between */
        perm[0] = p;
        for (int d = 0; d <= nd; d++)
            if (d != p && d != p + 1)
                perm[k++] = d;
        perm[nd] = p + 1;
        ms_t_transform_layout_ops(t, info->pack_buf, nd, fac, nd + 1, perm);
    }
    if (t->status == MS_OK)
        return t;
    ms_tracer_free(t);
    return NULL;
}

/* A proposal with intrinsic in, its tiles drawn again while a step is
 * refused; NULL when the block is not one to tensorize with it. */
static ms_tracer *tensorized(ms_tracer *from, const char *block, bool r_inside, const ms_intrin *in)
{
    for (int draw = 0; draw < REDRAWS; draw++) {
        if (draw)
            ms_rng_next(&from->rng);
        tiled info;
        ms_tracer *base = tile(from, block, r_inside, in, &info);
        if (!base)
            return NULL;
        ms_tracer *t = finish(base, block, &info, r_inside, true, info.pack_buf != NULL);
        ms_tracer_free(base);
        if (!t)
            continue;
        int l[MS_INST_MAX_OUT], b = ms_t_get_block(t, block);
        int n = ms_t_get_loops(t, b, l);
        /* the first R1 loop (SSRSRS: the others' R1 tiles are 1), or the
         * last R loop (SSSRS, the tile zeroed before the first) */
        int r = r_inside ? 3 * info.ns + info.nr - 1 : 3 * info.ns + info.nr;
        if (r_inside && r < n)
            ms_t_decompose_reduction(t, b, l[3 * info.ns]);
        if (r < n)
            ms_t_tensorize(t, l[r], in->name);
        if (r < n && t->status == MS_OK)
            return t;
        ms_tracer_free(t);
    }
    return NULL;
}

int ms_rule_multi_level_tiling(const ms_arch *arch, ms_tracer *tr, const char *block,
                               ms_tracer **out)
{
    (void)arch;
    /* an accumulation set just before its nest: the setting becomes its init */
    ms_tracer *merged = NULL;
    const ms_stmt *b = rule_find_block(tr->s->f, block);
    if (b && !b->block.init) {
        merged = ms_tracer_fork(tr);
        ms_t_merge_init(merged, ms_t_get_block(merged, block));
        if (ms_tracer_recover(merged) != MS_OK) {
            ms_tracer_free(merged);
            merged = NULL;
        }
    }
    /* SSRSRS with and without a register tile; SSSRS with one, which the
     * init fills (no zeroed tile written out and read back: depthwise,
     * whose short reductions gain little from a split). A proposal whose
     * sampled tiles make a step fail (a register tile too big) is drawn
     * again: a sketch is a structure, and the search resamples its tiles
     * anyway; a proposal dropped here would be missing from the whole
     * search (depthwise, seed 2: not one register tile in 256 trials). */
    ms_tracer *from = ms_tracer_fork(merged ? merged : tr);
    int np = 0;
    for (int r_inside = 0; r_inside < 2; r_inside++) {
        tiled info; /* names arrays of the state base tiled: freed with it */
        ms_tracer *base = tile(from, block, r_inside, NULL, &info);
        if (!base)
            continue;
        for (int cache = r_inside; cache < 2; cache++)
            for (int pack = 0; pack < (info.pack_buf ? 2 : 1); pack++) {
                ms_tracer *t = finish(base, block, &info, r_inside, cache, pack);
                for (int draw = 1; !t && draw < REDRAWS; draw++) {
                    ms_rng_next(&from->rng);
                    tiled again;
                    ms_tracer *other = tile(from, block, r_inside, NULL, &again);
                    t = other ? finish(other, block, &again, r_inside, cache, pack) : NULL;
                    ms_tracer_free(other);
                }
                if (t && np < MS_RULE_MAX_PROPOSALS)
                    out[np++] = t;
                else
                    ms_tracer_free(t);
            }
        ms_tracer_free(base);
    }
    /* the same structures whose innermost R S S nest is a call of one of
     * the target's intrinsics (a register tile, B packed when it can be;
     * SSSRS: the tile zeroed just before the whole reduction, no copy in) */
    for (int e = 0; arch && arch->isa && e < ms_intrin_count(); e++)
        for (int r_inside = 0; r_inside < 2 && !strcmp(ms_intrin_at(e)->isa, arch->isa);
             r_inside++) {
            ms_tracer *t = tensorized(from, block, r_inside, ms_intrin_at(e));
            if (t && np < MS_RULE_MAX_PROPOSALS)
                out[np++] = t;
            else
                ms_tracer_free(t);
        }
    ms_tracer_free(from);
    ms_tracer_free(merged);
    return np;
}
