package dev.sparklm.preprocess.clean;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.DocumentStage;
import dev.sparklm.preprocess.StageCounters;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.parser.Parser;

/**
 * Wikitext to plain text, in the spirit of WikiExtractor: comments, references, templates,
 * tables, files and categories go; links keep their label; headings keep their words; bold,
 * italics, list markers and the remaining HTML tags are stripped and entities decoded.
 * Nested templates and links are removed from the inside out.
 */
public final class WikiMarkup implements DocumentStage {
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern REF = Pattern.compile("(?is)<ref[^>]*/>|<ref[^>]*>.*?</ref>");
    private static final Pattern DROPPED_TAGS = Pattern.compile(
            "(?is)<(math|gallery|timeline|score|syntaxhighlight|source|nowiki)[^>]*>.*?</\\1>");
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
        String s = COMMENT.matcher(wiki).replaceAll("");
        s = REF.matcher(s).replaceAll("");
        s = DROPPED_TAGS.matcher(s).replaceAll("");
        s = untilStable(s, TEMPLATE, m -> "");
        s = removeTables(s);
        s = untilStable(s, INNER_LINK, WikiMarkup::link);
        s = EXTERNAL_LINK.matcher(s).replaceAll(m -> m.group(1) == null ? "" : Matcher.quoteReplacement(m.group(1)));
        s = HEADING.matcher(s).replaceAll("$2");
        s = QUOTES.matcher(s).replaceAll("");
        s = LIST_MARKERS.matcher(s).replaceAll("");
        s = MAGIC.matcher(s).replaceAll("");
        s = TAG.matcher(s).replaceAll("");
        return Parser.unescapeEntities(s, false);
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
