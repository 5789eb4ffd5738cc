package dev.sparklm.preprocess.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparklm.preprocess.RandomTexts;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;

class WikiMarkupTest {
    @Test
    void stripsMarkupKeepsText() {
        String wiki = """
                {{Infobox city|name=Paris|population={{formatnum:2165423}}}}
                '''Paris''' is the [[capital city|capital]] of [[France]].<ref>{{cite web|url=x}}</ref> It has a \
                [[File:Paris.jpg|thumb|The [[Eiffel Tower]] at night]] river.<!-- hidden -->
                == History ==
                * The city was founded by the [[Parisii]].
                # It grew in the ''Middle Ages''.
                {| class="wikitable"
                |-
                | cell || cell
                |}
                See [https://example.org the site] and [https://bare.example].
                [[Category:Capitals in Europe]]
                &copy; &amp; __NOTOC__
                """;
        String text = WikiMarkup.toText(wiki);
        assertTrue(text.contains("Paris is the capital of France. It has a  river."), text);
        assertTrue(text.contains("\nHistory\n"), text);
        assertTrue(text.contains("The city was founded by the Parisii."), text);
        assertTrue(text.contains("It grew in the Middle Ages."), text);
        assertTrue(text.contains("See the site and ."), text);
        assertTrue(text.contains("\u00a9 &"), text);
        for (String gone : new String[] {"{{", "}}", "[[", "]]", "Infobox", "cite", "hidden", "cell", "Category", "Eiffel",
                "wikitable", "'''", "NOTOC", "=="}) {
            assertFalse(text.contains(gone), gone + " should be gone:\n" + text);
        }
    }

    @Test
    void plainTextIsUnchanged() {
        assertEquals("Just text.", WikiMarkup.toText("Just text."));
    }

    /**
     * On 30,000 random texts of wikitext pieces (comments, refs, math/source/nowiki blocks closed
     * and not, templates, tables, links, headings, quotes, lists, magic words, tags, entities,
     * every kind of line break, and near misses such as "<ſource>" that only Unicode case folding
     * would match), the output is exactly that of the definition: every step's regex run
     * unconditionally over the whole text.
     */
    @Test
    void sameTextAsTheRegexChainOnRandomWikitext() {
        String[] pieces = {"<!--", "-->", "<ref>", "<ref name=\"a\"/>", "<references />", "</ref>", "<REF>", "</Ref>", "<math>",
                "</MATH>", "</math>", "<Math display=block>", "<source lang=\"c\">", "</source>", "<ſource>", "</ſource>",
                "<nowiki>", "</nowiki>", "<gallery>", "</gallery>", "<score>", "<syntaxhighlight>", "</syntaxhighlight>",
                "<timeline>", "</timeline>", "<", ">", "</", "{{", "}}", "{{cite|x}}", "{|", "|}", "|-", "[[", "]]", "|",
                "[[File:a.jpg|b]]", "[[Category:X]]", "[[:en:Y|z]]", "[http://x.y z]", "[ftp://q]", "://", "==", "=",
                "'''", "''", "'", "*", "#", ":", ";", "__TOC__", "__", "----", "-", "<b>", "</b>", "<br/>", "&amp;",
                "&lt;", "&", "&copy", "\n", "\n", "\r\n", "\r", "\u2028", "\u0085", "\u2029", " ", "  ", "text", "word",
                "é", "\u212a", "ı"};
        Random random = new Random(11);
        for (int t = 0; t < 30_000; t++) {
            String wiki = RandomTexts.of(random, pieces, 60);
            assertEquals(definition(wiki), WikiMarkup.toText(wiki), () -> "for: " + wiki.replace("\n", "\\n").replace("\r", "\\r"));
        }
    }

    /** The conversion as first written: each step's regex over the whole text, unconditionally. */
    static String definition(String wiki) {
        String s = Pattern.compile("<!--.*?-->", Pattern.DOTALL).matcher(wiki).replaceAll("");
        s = Pattern.compile("(?is)<ref[^>]*/>|<ref[^>]*>.*?</ref>").matcher(s).replaceAll("");
        s = Pattern.compile("(?is)<(math|gallery|timeline|score|syntaxhighlight|source|nowiki)[^>]*>.*?</\\1>").matcher(s).replaceAll("");
        s = untilStable(s, Pattern.compile("\\{\\{[^{}]*\\}\\}"), m -> "");
        if (s.contains("{|")) {
            StringBuilder out = new StringBuilder(s.length());
            int depth = 0;
            for (String line : s.split("\n", -1)) {
                String l = line.stripLeading();
                if (l.startsWith("{|")) {
                    depth++;
                } else if (depth > 0 && l.startsWith("|}")) {
                    depth--;
                } else if (depth == 0) {
                    out.append(line).append('\n');
                }
            }
            s = out.toString();
        }
        Pattern nonArticle = Pattern.compile("(?i)^(file|image|media|category|wikipedia|wp|help|template|special|portal|[a-z]{2,3}(-[a-z]+)?):.*");
        s = untilStable(s, Pattern.compile("\\[\\[([^\\[\\]]*)\\]\\]"), m -> {
            String inner = m.group(1);
            if (nonArticle.matcher(inner).matches()) {
                return "";
            }
            int bar = inner.lastIndexOf('|');
            String text = bar >= 0 ? inner.substring(bar + 1) : inner;
            return Matcher.quoteReplacement(text.startsWith(":") ? text.substring(1) : text);
        });
        s = Pattern.compile("\\[(?:https?|ftp)://[^\\s\\]]+(?:\\s([^\\]]*))?\\]").matcher(s)
                .replaceAll(m -> m.group(1) == null ? "" : Matcher.quoteReplacement(m.group(1)));
        s = Pattern.compile("(?m)^(=+)\\s*(.*?)\\s*\\1\\s*$").matcher(s).replaceAll("$2");
        s = Pattern.compile("'{2,5}").matcher(s).replaceAll("");
        s = Pattern.compile("(?m)^[*#:;]+\\s*").matcher(s).replaceAll("");
        s = Pattern.compile("__[A-Z]+__|(?m)^-{4,}\\s*$").matcher(s).replaceAll("");
        s = Pattern.compile("<[^>\n]{1,500}>").matcher(s).replaceAll("");
        return Parser.unescapeEntities(s, false);
    }

    private static String untilStable(String s, Pattern p, java.util.function.Function<java.util.regex.MatchResult, String> replacement) {
        for (int i = 0; i < 50; i++) {
            Matcher m = p.matcher(s);
            if (!m.find()) {
                return s;
            }
            s = m.replaceAll(replacement::apply);
        }
        return s;
    }
}
