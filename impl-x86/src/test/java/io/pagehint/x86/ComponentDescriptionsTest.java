package io.pagehint.x86;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The engine and the runtime find this bundle's services by their properties; the component
 * descriptions bnd generates from the annotations must say x86_64 and both machine types.
 */
class ComponentDescriptionsTest {

    @ParameterizedTest
    @CsvSource({
            "io.pagehint.x86.layout.X86LayoutProvider, io.pagehint.api.memory.LayoutProvider",
            "io.pagehint.x86.tighten.X86BitmapTightener, io.pagehint.api.tighten.BitmapTightener"})
    void theServiceIsDeclaredForX86PcAndQ35(String component, String service) throws Exception {
        Document xml;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("OSGI-INF/" + component + ".xml")) {
            assertThat(in).as("bnd wrote the component description of %s", component).isNotNull();
            xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        assertThat(((Element) xml.getElementsByTagName("provide").item(0)).getAttribute("interface")).isEqualTo(service);
        assertThat(property(xml, "pagehint.arch")).containsExactly("x86_64");
        assertThat(property(xml, "pagehint.machine")).containsExactlyInAnyOrder("pc", "q35");
    }

    private static List<String> property(Document xml, String name) {
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
