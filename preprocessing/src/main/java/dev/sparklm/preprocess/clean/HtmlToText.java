package dev.sparklm.preprocess.clean;

import dev.sparklm.preprocess.Document;
import dev.sparklm.preprocess.DocumentStage;
import dev.sparklm.preprocess.StageCounters;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * HTML to plain text with jsoup: scripts, styles, forms and navigation boilerplate (nav,
 * header, footer, aside, role=navigation, hidden elements) are removed; block elements become
 * line breaks (paragraphs and headings an empty line) so the line-based filters downstream see
 * the page's structure; preformatted text keeps its whitespace.
 */
public final class HtmlToText implements DocumentStage {
    static final String BOILERPLATE = "script, style, noscript, template, iframe, object, embed, svg, canvas, "
            + "form, button, select, nav, header, footer, aside, [role=navigation], [role=banner], "
            + "[role=contentinfo], [aria-hidden=true], [hidden]";
    private static final Pattern SPACES = Pattern.compile("\\s+");

    @Override
    public String name() {
        return "html";
    }

    @Override
    public void apply(Document doc, StageCounters counters) {
        doc.setText(toText(doc.getText()));
    }

    public static String toText(String html) {
        org.jsoup.nodes.Document page = Jsoup.parse(html);
        page.select(BOILERPLATE).remove();
        StringBuilder out = new StringBuilder(html.length() / 2);
        NodeTraversor.traverse(new NodeVisitor() {
            int pre;

            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode t) {
                    if (pre > 0) {
                        out.append(t.getWholeText());
                    } else {
                        String s = SPACES.matcher(t.getWholeText()).replaceAll(" ");
                        boolean atLineStart = out.isEmpty() || out.charAt(out.length() - 1) == '\n'
                                || out.charAt(out.length() - 1) == ' ';
                        out.append(atLineStart && s.startsWith(" ") ? s.substring(1) : s);
                    }
                } else if (node instanceof Element e) {
                    if (e.nameIs("pre")) {
                        pre++;
                    }
                    if (e.nameIs("br")) {
                        out.append('\n');
                    } else if (e.isBlock()) {
                        breakLine(out, paragraph(e));
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e) {
                    if (e.nameIs("pre")) {
                        pre--;
                    }
                    if (e.isBlock() && !e.nameIs("br")) {
                        breakLine(out, paragraph(e));
                    }
                }
            }
        }, page.body());
        return out.toString();
    }

    private static boolean paragraph(Element e) {
        return switch (e.normalName()) {
            case "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table", "ul", "ol", "dl" -> true;
            default -> false;
        };
    }

    /** Ends the current line (and leaves an empty one after paragraphs), trimming its trailing space. */
    private static void breakLine(StringBuilder out, boolean paragraph) {
        while (!out.isEmpty() && out.charAt(out.length() - 1) == ' ') {
            out.setLength(out.length() - 1);
        }
        if (out.isEmpty()) {
            return;
        }
        if (out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
        if (paragraph && (out.length() < 2 || out.charAt(out.length() - 2) != '\n')) {
            out.append('\n');
        }
    }
}
