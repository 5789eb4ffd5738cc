package dev.sparklm.preprocess.clean;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.DocumentStage;
import dev.sparklm.preprocess.RegexChars;
import dev.sparklm.preprocess.StageCounters;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.parser.Parser;

/**
 * Wikitext to plain text, in the spirit of WikiExtractor: comments, references, templates,
 * tables, files and categories go; links keep their label; headings keep their words; bold,
 * italics, list markers and the remaining HTML tags are stripped and entities decoded.
 * Nested templates and links are removed from the inside out.
 *
 * <p>Each step is one regular expression over the whole text, so each is skipped when a literal
 * it needs is absent (a {@code String.indexOf} is many times faster than a regex scan that finds
 * nothing), and references and the blocks of math, source, nowiki... are cut by scans that look
 * for each closing tag once: the regexes looked for it again from every opening tag without one,
 * to the end of the text, and tried their case-insensitive alternatives at every character. The
 * output is the regex chain's (WikiMarkupTest compares them).
 */
public final class WikiMarkup implements DocumentStage {
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    /** References: {@code <ref ...>...</ref>} or {@code <ref ... />}. */
    private static final String[] REF = {"ref"};
    /** Blocks dropped with their content: {@code <name ...>...</name>}, names matched ignoring ASCII case. */
    private static final String[] DROPPED_TAGS = {"math", "gallery", "timeline", "score", "syntaxhighlight", "source", "nowiki"};
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{[^{}]*\\}\\}");
    private static final Pattern INNER_LINK = Pattern.compile("\\[\\[([^\\[\\]]*)\\]\\]");
    private static final Pattern EXTERNAL_LINK = Pattern.compile("\\[(?:https?|ftp)://[^\\s\\]]+(?:\\s([^\\]]*))?\\]");
    private static final Pattern NON_ARTICLE_LINK = Pattern.compile(
            "(?i)^(file|image|media|category|wikipedia|wp|help|template|special|portal|[a-z]{2,3}(-[a-z]+)?):.*");
    private static final Pattern HEADING = Pattern.compile("(?m)^(=+)\\s*(.*?)\\s*\\1\\s*$");
    private static final Pattern QUOTES = Pattern.compile("'{2,5}");
    private static final Pattern LIST_MARKERS = Pattern.compile("(?m)^[*#:;]+\\s*");
    private static final Pattern MAGIC = Pattern.compile("__[A-Z]+__|(?m)^-{4,}\\s*$");
    private static final Pattern TAG = Pattern.compile("<[^>\n]{1,500}>");

    @Override
    public String name() {
        return "wiki-markup";
    }

    @Override
    public void apply(Document doc, StageCounters counters) {
        doc.setText(toText(doc.getText()));
    }

    public static String toText(String wiki) {
        String s = wiki;
        if (s.contains("<!--")) {
            s = COMMENT.matcher(s).replaceAll("");
        }
        s = removeBlocks(s, REF, true);
        s = removeBlocks(s, DROPPED_TAGS, false);
        if (s.contains("{{")) {
            s = untilStable(s, TEMPLATE, m -> "");
        }
        s = removeTables(s);
        if (s.contains("[[")) {
            s = untilStable(s, INNER_LINK, WikiMarkup::link);
        }
        if (s.contains("://")) {
            s = EXTERNAL_LINK.matcher(s).replaceAll(m -> m.group(1) == null ? "" : Matcher.quoteReplacement(m.group(1)));
        }
        if (lineStartsWithAny(s, "=")) {
            s = HEADING.matcher(s).replaceAll("$2");
        }
        if (s.contains("''")) {
            s = QUOTES.matcher(s).replaceAll("");
        }
        if (lineStartsWithAny(s, "*#:;")) {
            s = LIST_MARKERS.matcher(s).replaceAll("");
        }
        if (s.contains("__") || s.contains("----")) {
            s = MAGIC.matcher(s).replaceAll("");
        }
        if (s.indexOf('<') >= 0) {
            s = TAG.matcher(s).replaceAll("");
        }
        return s.indexOf('&') >= 0 ? Parser.unescapeEntities(s, false) : s;
    }

    /** {@code name} (lower case ASCII) at {@code at}, ignoring ASCII case only, as the regexes do. */
    private static boolean asciiNameAt(String s, int at, String name) {
        if (at + name.length() > s.length()) {
            return false;
        }
        for (int k = 0; k < name.length(); k++) {
            char c = s.charAt(at + k);
            char n = name.charAt(k);
            if (c != n && (c | 0x20) != n) {
                return false;
            }
        }
        return true;
    }

    /** Whether a line starts with one of {@code chars} (a line as a (?m) regex sees it: after \n, \r, U+0085, U+2028, U+2029). */
    private static boolean lineStartsWithAny(String s, String chars) {
        for (int k = 0; k < chars.length(); k++) {
            char c = chars.charAt(k);
            for (int i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) {
                if (i == 0 || RegexChars.isLineTerminator(s.charAt(i - 1))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Drops each {@code <name ...>...</name>} of the given names as the regex
     * {@code (?is)<(name|...)[^>]*>.*?</\1>} would: from an opening tag to the first closing tag of
     * its name after it (names in any ASCII case), scanning left to right and going on after what
     * it dropped. With {@code selfClosing}, a tag whose first '>' follows a "/" is dropped alone
     * (the references' {@code <ref name="x" />}). An opening tag without a closing one after it
     * is kept, and so is every later one of that name (remembered: the text is searched once).
     */
    private static String removeBlocks(String s, String[] names, boolean selfClosing) {
        StringBuilder out = null;
        int copied = 0;
        int unclosed = 0;   // bit per name: no closing tag after the current position
        for (int i = s.indexOf('<'); i >= 0; i = s.indexOf('<', i + 1)) {
            for (int k = 0; k < names.length; k++) {
                String name = names[k];
                if (!asciiNameAt(s, i + 1, name)) {
                    continue;
                }
                int gt = s.indexOf('>', i + 1 + name.length());
                if (gt < 0) {   // no '>' after here: nothing further can match
                    return out == null ? s : out.append(s, copied, s.length()).toString();
                }
                int end;
                if (selfClosing && s.charAt(gt - 1) == '/') {
                    end = gt + 1;
                } else {
                    int close = (unclosed & (1 << k)) != 0 ? -1 : closingTag(s, name, gt + 1);
                    if (close < 0) {
                        unclosed |= 1 << k;
                        break;
                    }
                    end = close + name.length() + 3;
                }
                if (out == null) {
                    out = new StringBuilder(s.length());
                }
                out.append(s, copied, i);
                copied = end;
                i = end - 1;
                break;
            }
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    /** The first {@code </name>} (name in any ASCII case) at or after {@code from}, or -1. */
    private static int closingTag(String s, String name, int from) {
        for (int i = s.indexOf("</", from); i >= 0; i = s.indexOf("</", i + 1)) {
            if (asciiNameAt(s, i + 2, name) && i + 2 + name.length() < s.length() && s.charAt(i + 2 + name.length()) == '>') {
                return i;
            }
        }
        return -1;
    }

    /** [[target|label]] -> label, [[target]] -> target, files/categories/interwiki -> nothing. */
    private static String link(java.util.regex.MatchResult m) {
        String inner = m.group(1);
        if (NON_ARTICLE_LINK.matcher(inner).matches()) {
            return "";
        }
        int bar = inner.lastIndexOf('|');
        String text = bar >= 0 ? inner.substring(bar + 1) : inner;
        return Matcher.quoteReplacement(text.startsWith(":") ? text.substring(1) : text);
    }

    private static String untilStable(String s, Pattern p, java.util.function.Function<java.util.regex.MatchResult, String> replacement) {
        for (int i = 0; i < 50; i++) {   // nesting deeper than this is not wikitext a reader would write
            Matcher m = p.matcher(s);
            if (!m.find()) {
                return s;
            }
            s = m.replaceAll(replacement::apply);
        }
        return s;
    }

    /** Drops {| ... |} tables (nested too), line by line. */
    private static String removeTables(String s) {
        if (!s.contains("{|")) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int depth = 0;
        for (String line : s.split("\n", -1)) {
            String t = line.stripLeading();
            if (t.startsWith("{|")) {
                depth++;
            } else if (depth > 0 && t.startsWith("|}")) {
                depth--;
            } else if (depth == 0) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
