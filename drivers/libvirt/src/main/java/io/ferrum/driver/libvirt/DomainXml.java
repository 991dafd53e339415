package io.ferrum.driver.libvirt;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Reads and edits libvirt domain XML with the DOM, never by pasting strings: names and paths that
 * come from users are attribute values, so they can not inject XML. DOCTYPEs are refused. Stateless
 * and thread-safe.
 */
final class DomainXml {

  private DomainXml() {}

  /** The device the domain boots from first ({@code disk} when the XML names none). */
  static BootDevice bootDevice(String xml) {
    Element os = child(parse(xml).getDocumentElement(), "os");
    if (os != null) {
      for (Element boot : children(os, "boot")) {
        return switch (boot.getAttribute("dev")) {
          case "network" -> BootDevice.PXE;
          case "cdrom" -> BootDevice.CDROM;
          default -> BootDevice.DISK;
        };
      }
    }
    return BootDevice.DISK;
  }

  /** {@code xml} booting from {@code device}: one {@code <os><boot dev=.../>}, no boot orders. */
  static String withBootDevice(String xml, BootDevice device) {
    Document doc = parse(xml);
    Element domain = doc.getDocumentElement();
    Element os = child(domain, "os");
    if (os == null) {
      throw new DriverException("the domain XML has no <os> element; cannot set its boot device");
    }
    for (Element boot : children(os, "boot")) {
      os.removeChild(boot);
    }
    Element devices = child(domain, "devices");
    if (devices != null) {
      for (Element dev : childElements(devices)) {
        for (Element order : children(dev, "boot")) {
          dev.removeChild(order);
        }
      }
    }
    Element boot = doc.createElement("boot");
    boot.setAttribute(
        "dev",
        switch (device) {
          case PXE -> "network";
          case DISK -> "hd";
          case CDROM -> "cdrom";
          case BIOS, SAFE ->
              throw new UnsupportedDriverOperationException(
                  "libvirt has no boot device " + device.value());
        });
    os.appendChild(boot);
    return write(doc);
  }

  /** {@code xml} with a file-backed virtio disk for {@code image} (unchanged if it has one). */
  static String withDisk(String xml, String image) {
    Document doc = parse(xml);
    Element devices = devices(doc);
    List<String> targets = new ArrayList<>();
    for (Element disk : children(devices, "disk")) {
      Element source = child(disk, "source");
      if (source != null && image.equals(source.getAttribute("file"))) {
        return write(doc);
      }
      Element target = child(disk, "target");
      if (target != null) {
        targets.add(target.getAttribute("dev"));
      }
    }
    String dev = "vda";
    for (char c = 'a'; targets.contains(dev) && c < 'z'; c++) {
      dev = "vd" + (char) (c + 1);
    }
    Element disk = doc.createElement("disk");
    disk.setAttribute("type", "file");
    disk.setAttribute("device", "disk");
    Element source = doc.createElement("source");
    source.setAttribute("file", image);
    Element target = doc.createElement("target");
    target.setAttribute("dev", dev);
    target.setAttribute("bus", "virtio");
    disk.appendChild(source);
    disk.appendChild(target);
    devices.appendChild(disk);
    return write(doc);
  }

  /** {@code xml} without the disk whose source is {@code image}. */
  static String withoutDisk(String xml, String image) {
    Document doc = parse(xml);
    Element devices = devices(doc);
    for (Element disk : children(devices, "disk")) {
      Element source = child(disk, "source");
      if (source != null && image.equals(source.getAttribute("file"))) {
        devices.removeChild(disk);
      }
    }
    return write(doc);
  }

  /** What inspection reports: Ironic's property names, plus the NICs' MAC addresses. */
  static Map<String, Object> inspect(String xml) {
    Element domain = parse(xml).getDocumentElement();
    Map<String, Object> properties = new LinkedHashMap<>();
    Element vcpu = child(domain, "vcpu");
    properties.put("cpus", vcpu == null ? 1 : Integer.parseInt(vcpu.getTextContent().trim()));
    Element memory = child(domain, "memory");
    if (memory != null) {
      properties.put("memory_mb", toMebibytes(memory));
    }
    Element os = child(domain, "os");
    Element type = os == null ? null : child(os, "type");
    String arch = type == null ? "" : type.getAttribute("arch");
    properties.put("cpu_arch", arch.isEmpty() ? "x86_64" : arch);
    Element devices = child(domain, "devices");
    int disks = 0;
    List<String> macs = new ArrayList<>();
    if (devices != null) {
      for (Element disk : children(devices, "disk")) {
        if (disk.getAttribute("device").isEmpty() || disk.getAttribute("device").equals("disk")) {
          disks++;
        }
      }
      for (Element nic : children(devices, "interface")) {
        Element mac = child(nic, "mac");
        if (mac != null) {
          macs.add(mac.getAttribute("address").toLowerCase(Locale.ROOT));
        }
      }
    }
    // Disk sizes live in storage pools, not in the domain: report what the XML can tell.
    properties.put("local_gb", 0);
    properties.put("disks", disks);
    properties.put("macs", macs);
    return properties;
  }

  private static long toMebibytes(Element memory) {
    long value = Long.parseLong(memory.getTextContent().trim());
    String unit = memory.getAttribute("unit");
    return switch (unit.isEmpty() ? "KiB" : unit) {
      case "b", "bytes" -> value / (1024 * 1024);
      case "KB" -> value * 1000 / (1024 * 1024);
      case "MB" -> value * 1_000_000 / (1024 * 1024);
      case "M", "MiB" -> value;
      case "G", "GiB" -> value * 1024;
      case "GB" -> value * 1_000_000_000L / (1024 * 1024);
      default -> value / 1024; // k, KiB
    };
  }

  private static Element devices(Document doc) {
    Element devices = child(doc.getDocumentElement(), "devices");
    if (devices == null) {
      devices = doc.createElement("devices");
      doc.getDocumentElement().appendChild(devices);
    }
    return devices;
  }

  private static Document parse(String xml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setExpandEntityReferences(false);
      return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    } catch (Exception e) {
      throw new DriverException("cannot parse the domain XML: " + e.getMessage(), e);
    }
  }

  private static String write(Document doc) {
    try {
      TransformerFactory factory = TransformerFactory.newInstance();
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      Transformer transformer = factory.newTransformer();
      transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter out = new StringWriter();
      transformer.transform(new DOMSource(doc), new StreamResult(out));
      return out.toString();
    } catch (Exception e) {
      throw new DriverException("cannot write the domain XML: " + e.getMessage(), e);
    }
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Element element : childElements(parent)) {
      if (element.getTagName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }

  private static List<Element> childElements(Element parent) {
    List<Element> elements = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
        elements.add((Element) nodes.item(i));
      }
    }
    return elements;
  }
}
