package dev.sparklm.preprocess.read;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparklm.preprocess.Document;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams the pages of a MediaWiki XML dump ({@code <page><title/><ns/><id/><revision><text/>}),
 * one document per page with the wikitext of its last revision, metadata {"title": ...}.
 * Redirects and pages outside the article namespace (ns 0) are kept as dropped documents so
 * they are counted. Malformed XML ends the file with a quarantined record at the page number.
 */
final class MediaWikiPages implements Iterator<Document> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final XMLInputFactory XML = XMLInputFactory.newFactory();

    static {
        XML.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XML.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    private final String source;
    private final InputStream in;
    private final XMLStreamReader xml;
    private final long maxChars;
    private long pages;
    private Document next;
    private boolean done;
    private boolean inPage;

    private MediaWikiPages(String source, InputStream in, long maxChars) throws XMLStreamException {
        this.source = source;
        this.in = in;
        this.xml = XML.createXMLStreamReader(in, "UTF-8");
        this.maxChars = maxChars;
    }

    static Iterator<Document> read(String source, InputStream in, long maxChars) {
        try {
            return new MediaWikiPages(source, in, maxChars);
        } catch (XMLStreamException e) {
            return java.util.List.of(Document.quarantined(source, 0, "malformed-xml", e.getMessage())).iterator();
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            try {
                next = nextPage();
            } catch (XMLStreamException | RuntimeException e) {
                // The offset of a page is its number in the dump: the one being read when it broke.
                next = Document.quarantined(source, inPage ? pages - 1 : pages, "malformed-xml", String.valueOf(e.getMessage()));
            }
            if (next == null || next.quarantined()) {
                done = true;
                close();
            }
        }
        return next != null;
    }

    @Override
    public Document next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Document d = next;
        next = null;
        return d;
    }

    private Document nextPage() throws XMLStreamException {
        while (xml.hasNext()) {
            if (xml.next() == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("page")) {
                inPage = true;
                Document d = page(pages++);
                inPage = false;
                return d;
            }
        }
        return null;
    }

    /** Reads one {@code <page>} element to its end. */
    private Document page(long ordinal) throws XMLStreamException {
        String title = "";
        String ns = "0";
        String id = null;
        String text = null;
        boolean redirect = false;
        boolean tooLong = false;
        int depth = 1;
        while (depth > 0) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                String name = xml.getLocalName();
                if (depth == 1 && name.equals("title")) {
                    title = xml.getElementText();
                } else if (depth == 1 && name.equals("ns")) {
                    ns = xml.getElementText().trim();
                } else if (depth == 1 && name.equals("id")) {
                    id = xml.getElementText().trim();
                } else if (depth == 1 && name.equals("redirect")) {
                    redirect = true;
                    depth++;
                } else if (name.equals("text")) {
                    text = xml.getElementText();   // the last revision's text wins
                    tooLong = text.length() > maxChars;
                } else {
                    depth++;
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            } else if (event == XMLStreamConstants.END_DOCUMENT) {
                throw new XMLStreamException("the dump ends inside page " + ordinal);
            }
        }
        if (tooLong) {
            return Document.quarantined(source, ordinal, RecordDecoder.Problem.TOO_LONG.reason,
                    "page \"" + title + "\": " + text.length() + " chars > preprocess.max-document-bytes");
        }
        Document d = Document.of(id == null ? null : "wiki:" + id, source, ordinal, text == null ? "" : text);
        d.setMeta(JSON.createObjectNode().put("title", title).toString());
        if (redirect) {
            d.dropBy("read", "redirect");
        } else if (!ns.equals("0")) {
            d.dropBy("read", "not-an-article");
        }
        return d;
    }

    private void close() {
        try {
            xml.close();
            in.close();
        } catch (XMLStreamException | IOException e) {
            // reading is over either way
        }
    }
}
