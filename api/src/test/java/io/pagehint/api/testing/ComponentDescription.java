package io.pagehint.api.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A Declarative Services component description as bnd writes it from a bundle's annotations
 * ({@code OSGI-INF/<component name>.xml}), read back in a bundle's unit tests: the engine and the
 * runtime find the bundle's services by what these say, so a test can hold them to it.
 */
public final class ComponentDescription {

    private final Document xml;

    private ComponentDescription(Document xml) {
        this.xml = xml;
    }

    /**
     * The description of {@code component}, from the class path of {@code loader}.
     *
     * @throws AssertionError if bnd wrote none
     */
    public static ComponentDescription of(String component, ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream("OSGI-INF/" + component + ".xml")) {
            if (in == null) {
                throw new AssertionError("bnd wrote no component description of " + component);
            }
            return new ComponentDescription(DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The service interfaces the component provides. */
    public List<String> provides() {
        List<String> out = new ArrayList<>();
        NodeList provides = xml.getElementsByTagName("provide");
        for (int i = 0; i < provides.getLength(); i++) {
            out.add(((Element) provides.item(i)).getAttribute("interface"));
        }
        return out;
    }

    /** The values of service property {@code name} (one for a single value, several for a multi-valued one). */
    public List<String> property(String name) {
        NodeList props = xml.getElementsByTagName("property");
        for (int i = 0; i < props.getLength(); i++) {
            Element p = (Element) props.item(i);
            if (p.getAttribute("name").equals(name)) {
                String text = p.hasAttribute("value") ? p.getAttribute("value") : p.getTextContent();
                List<String> values = new ArrayList<>();
                for (String v : text.split("\n")) {
                    if (!v.isBlank()) {
                        values.add(v.trim());
                    }
                }
                return values;
            }
        }
        return List.of();
    }
}
