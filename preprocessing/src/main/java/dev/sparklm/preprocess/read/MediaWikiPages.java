package dev.sparklm.preprocess.read;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparklm.preprocess.Document;
import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * One page of a MediaWiki XML dump ({@code <page><title/><ns/><id/><revision><text/>}), as
 * {@link MediaWikiInputFormat} reads it, into one document: the wikitext of its last revision,
 * metadata {"title": ...}, id "wiki:&lt;page id&gt;" and the page id as its offset (unique in a
 * dump, and where a reader finds the page again). Redirects and pages outside the article
 * namespace (ns 0) are kept as dropped documents so they are counted. A page that is not
 * well-formed XML (a dump cut short ends inside its last page) is quarantined at its position.
 */
final class MediaWikiPages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final XMLInputFactory XML = XMLInputFactory.newFactory();
    private static final byte[] OPEN = MediaWikiInputFormat.PAGE;

    static {
        XML.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XML.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    private MediaWikiPages() {}

    /**
     * @param position where the page is in its file (the reader's key), for a page without an id
     * @param page     the page's XML after its opening tag (what follows its end is not read)
     */
    static Document parse(String source, long position, byte[] page, int length) {
        XMLStreamReader xml = null;
        try {
            xml = XML.createXMLStreamReader(new SequenceInputStream(new ByteArrayInputStream(OPEN),
                    new ByteArrayInputStream(page, 0, length)), "UTF-8");
            xml.nextTag();   // <page>
            return page(source, position, xml);
        } catch (XMLStreamException | RuntimeException e) {
            return Document.quarantined(source, position, "malformed-xml", String.valueOf(e.getMessage()))
                    .withPreview(page, length);
        } finally {
            if (xml != null) {
                try {
                    xml.close();
                } catch (XMLStreamException e) {
                    // the page is read either way
                }
            }
        }
    }

    /** Reads the {@code <page>} element the reader is at to its end. */
    private static Document page(String source, long position, XMLStreamReader xml) throws XMLStreamException {
        String title = "";
        String ns = "0";
        String id = null;
        String text = null;
        boolean redirect = false;
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
                } else {
                    depth++;
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            } else if (event == XMLStreamConstants.END_DOCUMENT) {
                throw new XMLStreamException("the dump ends inside page \"" + title + "\"");
            }
        }
        long offset = position;
        if (id != null && id.matches("\\d{1,18}")) {
            offset = Long.parseLong(id);
        }
        Document d = Document.of(id == null ? null : "wiki:" + id, source, offset, text == null ? "" : text);
        d.setMeta(JSON.createObjectNode().put("title", title).toString());
        if (redirect) {
            d.dropBy("read", "redirect");
        } else if (!ns.equals("0")) {
            d.dropBy("read", "not-an-article");
        }
        return d;
    }
}
