/*
 * stopwords.c — the built-in stopword lists and the sets made of them or
 * of a file (contract in stopwords.h).
 *
 * A set is a sorted array of normalized words searched by bisection: the
 * lists are a few hundred words, looked up a handful of times per query.
 * The lists are written in their languages' spelling; normalizing them with
 * the index's analyzer (case and accent folding) makes "für" match "Fur".
 */
#include "stopwords.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

struct stopset {
    char **word;    /* sorted, distinct, NUL-terminated */
    size_t n, cap;
};

struct builtin {
    const char *language, *words;
};

static const struct builtin builtins[] = {
    {"english",
     "a about above after again against all also am an and any are as at be because been "
     "before being below between both but by can could did do does doing down during each "
     "either few for from further had has have having he her here hers herself him himself "
     "his how i if in into is it its itself just me more most my myself neither no nor not "
     "now of off on once only or other our ours ourselves out over own same she should so "
     "some such than that the their theirs them themselves then there these they this those "
     "through to too under until up upon very was we were what when where whether which "
     "while who whom whose why will with within without would you your yours yourself "
     "yourselves"},
    {"danish",
     "af alle andet andre at blev blive bliver da de dem den denne der deres det dette dig "
     "din dine disse dit dog du efter eller en end er et for fra ham han hans har havde have "
     "hende hendes her hos hun hvad hvis hvor i ikke ind jeg jer jo kunne man mange med "
     "meget men mig min mine mit mod ned noget nogle nu når og også om op os over på selv "
     "sig sin sine sit skal skulle som sådan til ud under var vi vil ville vor være været"},
    {"dutch",
     "aan al alles als andere ben bij daar dan dat de der deze die dit doch doen door dus "
     "een eens en er geen geweest haar had heb hebben heeft hem het hier hij hoe hun iets ik "
     "in is je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu "
     "of om omdat onder ons ook op over te tegen toch toen tot u uit uw van veel voor want "
     "waren was wat we wel werd wie wij wil worden zal ze zelf zich zij zijn zo zonder zou"},
    {"finnish",
     "ja on oli ei se että hän ovat olivat mutta niin kuin joka jotka mikä mitkä tämä nämä "
     "tuo nuo sen sitä siitä siihen ne niitä minä sinä me te he minun sinun hänen meidän "
     "teidän heidän olla olen olet olemme olette ole ollut jos kun koska tai myös vain "
     "vielä jo nyt sekä eikä mitä kuka miten missä milloin miksi"},
    {"french",
     "a ai aie as au aux avait avaient avec avez avons c ce cela celle celles celui ces cet "
     "cette ceux chez comme d dans de des donc dont du elle elles en entre es est et étaient "
     "était étant été êtes eu eux il ils j je l la le les leur leurs lui m ma mais me même "
     "mes moi mon n ne ni nos notre nous on ont ou où par pas pour qu quand que qui s sa "
     "sans se sera seront ses si son sont sous suis sur t ta te tes toi ton tu un une vers "
     "vos votre vous y"},
    {"german",
     "aber alle allem allen aller alles als also am an andere anderen anderes auch auf aus "
     "bei bin bis bist da damit dann das dass dein deine dem den denn der des dich die dies "
     "diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer "
     "eines er es etwas euch euer eure für gegen gewesen habe haben hat hatte hatten hier "
     "ich ihm ihn ihnen ihr ihre im in indem ins ist jede jedem jeden jeder jedes jene "
     "kann kein keine können könnte man mein meine mich mir mit muss nach nicht nichts noch "
     "nun nur ob oder ohne sehr sein seine sich sie sind so soll sondern über um und uns "
     "unser unter vom von vor war waren was weil welche wenn werde werden wie wir wird wo "
     "würde zu zum zur zwischen"},
    {"hungarian",
     "a az egy és is nem hogy de meg van volt vagy mint ez azt ezt el már csak még ki be "
     "fel le mi mit ha sem akkor amely amelyek aki akik ami ahol után előtt alatt között "
     "által pedig vagyok vagyunk vannak lesz lett így úgy itt ott"},
    {"italian",
     "a ad agli ai al alla alle allo anche avere aveva avevano c che chi ci come con contro "
     "cui da dagli dai dal dalla dalle dallo degli dei del della delle dello di dove e ed "
     "era erano essere è fa gli ha hanno ho i il in io la le lei li lo loro lui ma mi mia "
     "mie miei mio ne negli nei nel nella nelle nello noi non nostra nostro o per perché "
     "più quale quando quanto quella quelle quelli quello questa queste questi questo se "
     "sei si sia siamo siete sono su sua sue sui sul sulla suo suoi ti tra tu tua tue tuo "
     "tuoi tutti tutto un una uno vi voi"},
    {"norwegian",
     "alle at av bare ble bli blir da de deg dem den denne der dere deres det dette din "
     "disse ditt du eller en er et etter for fordi fra før ha hadde han hans har henne "
     "hennes her hun hva hvem hver hvis hvor hvordan i ikke inn jeg kan kunne man mange med "
     "meg men min mine mitt mot mye nå når og også om opp oss over på samme seg selv sin "
     "sine sitt skal skulle slik som så til under ut uten var ved vi vil ville være vært"},
    {"portuguese",
     "a ao aos aquela aquelas aquele aqueles aquilo as até com como da das de dela delas "
     "dele deles depois do dos e é ela elas ele eles em entre era eram essa essas esse esses "
     "esta está estão estas este estes eu foi foram há isso isto já lhe lhes mais mas me "
     "mesmo meu meus minha minhas muito na nas nem no nos nossa nossas nosso nossos num "
     "numa o os ou para pela pelas pelo pelos por qual quando que quem se sem ser seu seus "
     "só sua suas são também te tem têm tu tua tuas um uma você vocês vos"},
    {"russian",
     "и в во не что он она оно они я ты мы вы на с со как а то все так его ее их но да к у "
     "же за бы по только от из о об до для при без под над перед через между или ни ли "
     "если когда где кто чем чтобы это этот эта эти тот та те был была было были быть есть "
     "уже еще также тоже себя свой мой твой наш ваш"},
    {"spanish",
     "a al algo algunas algunos ante antes como con contra cual cuando de del desde donde "
     "durante e el él ella ellas ellos en entre era eran eres es esa esas ese eso esos esta "
     "está estaba estado estamos están estar estas este esto estos estoy fue fueron fui ha "
     "había han has hasta hay la las le les lo los más me mi mis mucho muy nada ni no nos "
     "nosotros o os otra otras otro otros para pero poco por porque que quien se sea ser si "
     "sin sobre son su sus también tanto te tiene tienen todo todos tu tus un una uno unos "
     "y ya yo"},
    {"swedish",
     "alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig "
     "din dina ditt du där då efter eller en er era ert ett från för ha hade han hans har "
     "henne hennes hon honom hur här i icke ingen inom inte jag ju kan kunde man med mellan "
     "men mig min mina mitt mot mycket ni nu när någon något några och om oss på samma "
     "sedan sig sin sina själv skulle som så sådan till under upp ut utan vad var vara "
     "varför varit varje vars vem vi vid vilken vilket vår våra vårt än är åt över"},
};

#define NBUILTIN (sizeof builtins / sizeof builtins[0])

const char *stopwords_builtin(const char *language)
{
    if (language && !strcmp(language, "porter")) /* the original English stemmer */
        language = "english";
    for (size_t i = 0; language && i < NBUILTIN; i++)
        if (!strcmp(builtins[i].language, language))
            return builtins[i].words;
    return NULL;
}

const char *const *loci_stopword_languages(void) { return stopwords_languages(); }

const char *const *stopwords_languages(void)
{
    static const char *names[NBUILTIN + 1];
    for (size_t i = 0; i < NBUILTIN; i++)
        names[i] = builtins[i].language;
    names[NBUILTIN] = NULL;
    return names;
}

void stopset_free(struct stopset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->word[i]);
    free(s->word);
    free(s);
}

static int add_token(void *ctx, const struct token *t)
{
    struct stopset *s = ctx;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **w = realloc(s->word, cap * sizeof *w);
        if (!w)
            return LOCI_ENOMEM;
        s->word = w;
        s->cap = cap;
    }
    if (!(s->word[s->n] = strndup(t->term, t->term_len)))
        return LOCI_ENOMEM;
    s->n++;
    return 0;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int stopset_parse(struct analyzer *an, const char *text, size_t len, const char *what,
                  struct stopset **out, loci_error *err)
{
    *out = NULL;
    struct stopset *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    unsigned line = 1;
    int rc = LOCI_OK;
    /* line by line, each up to its comment, so errors can name the line */
    for (size_t at = 0; at < len && !rc; line++) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, bad;
        const char *hash = memchr(text + at, '#', end - at);
        size_t stop = hash ? (size_t)(hash - text) : end;
        if (!utf8_valid(text + at, end - at, &bad))
            rc = err_set(err, LOCI_EUTF8, "%s: line %u: invalid UTF-8", what, line);
        else if ((rc = analyzer_run_unstemmed(an, text + at, stop - at, add_token, s)))
            rc = err_set(err, rc, "%s: %s", what, loci_strerror(rc));
        at = end + 1;
    }
    if (rc) {
        stopset_free(s);
        return rc;
    }
    if (s->n)
        qsort(s->word, s->n, sizeof *s->word, by_string);
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (kept && !strcmp(s->word[kept - 1], s->word[i]))
            free(s->word[i]);
        else
            s->word[kept++] = s->word[i];
    }
    s->n = kept;
    *out = s;
    return LOCI_OK;
}

/* A list file, whole, bounded by STOPWORDS_FILE_MAX. */
static int read_list(const char *path, char **text, size_t *len, loci_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(err, errno == ENOENT ? LOCI_ENOTFOUND : LOCI_EIO, "stopwords: %s: %s",
                       path, strerror(errno));
    char *buf = malloc(STOPWORDS_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, STOPWORDS_FILE_MAX + 1, f) : 0;
    int failed = ferror(f);
    fclose(f);
    if (!buf)
        return err_set(err, LOCI_ENOMEM, "out of memory");
    if (failed || n > STOPWORDS_FILE_MAX) {
        free(buf);
        return err_set(err, failed ? LOCI_EIO : LOCI_EINVAL, "stopwords: %s: %s", path,
                       failed ? "read error" : "larger than 1 MiB");
    }
    *text = buf;
    *len = n;
    return LOCI_OK;
}

/* The list text spec names when it is not a built-in list: a file's,
 * read and checked (into *text, to free). */
static int read_spec(const char *spec, char **text, size_t *len, loci_error *err)
{
    int rc = read_list(spec, text, len, err);
    if (rc == LOCI_ENOTFOUND && !strchr(spec, '/'))
        return err_set(err, LOCI_EINVAL,
                       "stopwords: '%s' is neither a language with a list (english, french, "
                       "german, ...: loci-search --stopwords list) nor a file",
                       spec);
    size_t bad;
    if (!rc && !utf8_valid(*text, *len, &bad)) {
        unsigned line = 1;
        for (size_t i = 0; i < bad; i++)
            line += (*text)[i] == '\n';
        free(*text);
        return err_set(err, LOCI_EUTF8, "stopwords: %s: line %u: invalid UTF-8", spec, line);
    }
    return rc;
}

int stopwords_check(const char *spec, loci_error *err)
{
    if (!spec || !strcmp(spec, "none") || stopwords_builtin(spec))
        return LOCI_OK;
    char *text = NULL;
    size_t len = 0;
    int rc = read_spec(spec, &text, &len, err);
    if (!rc)
        free(text);
    return rc;
}

int stopset_resolve(struct analyzer *an, const char *language, const char *spec,
                    struct stopset **out, loci_error *err)
{
    *out = NULL;
    if (spec && !strcmp(spec, "none"))
        return LOCI_OK;
    const char *list = stopwords_builtin(spec ? spec : language);
    if (list)
        return stopset_parse(an, list, strlen(list), "stopwords", out, err);
    if (!spec)
        return LOCI_OK; /* the index's language has no list: none */
    char *text = NULL;
    size_t len = 0;
    int rc = read_spec(spec, &text, &len, err);
    if (rc)
        return rc;
    rc = stopset_parse(an, text, len, spec, out, err);
    free(text);
    return rc;
}

int stopset_has(const struct stopset *s, const char *term, size_t len)
{
    if (!s)
        return 0;
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(s->word[mid], term, len);
        if (!c && s->word[mid][len])
            c = 1; /* longer than term, same start */
        if (!c)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

size_t stopset_size(const struct stopset *s) { return s ? s->n : 0; }
