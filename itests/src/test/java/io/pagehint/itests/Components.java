package io.pagehint.itests;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/** What SCR says about the components of the runtime, in words a failing test can print. */
public final class Components {

    private Components() {
    }

    /**
     * Every enabled component that is neither satisfied (or active) nor waiting for the
     * configuration it requires, each with its unsatisfied references named.
     */
    public static List<String> problems(ServiceComponentRuntime scr, Bundle... bundles) {
        List<String> problems = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(bundles)) {
            String name = d.name + " (" + d.bundle.symbolicName + ")";
            if (!scr.isComponentEnabled(d)) {
                problems.add(name + " is disabled");
                continue;
            }
            Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(d);
            if (configs.isEmpty() && !"require".equals(d.configurationPolicy)) {
                problems.add(name + " has no configuration at all");
            }
            for (ComponentConfigurationDTO c : configs) {
                switch (c.state) {
                    case ComponentConfigurationDTO.ACTIVE, ComponentConfigurationDTO.SATISFIED -> { }
                    case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> {
                        if (!"require".equals(d.configurationPolicy)) {
                            problems.add(name + " waits for a configuration it does not require");
                        }
                    }
                    case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> problems.add(name + " misses " + references(c));
                    case ComponentConfigurationDTO.FAILED_ACTIVATION -> problems.add(name + " failed to activate: " + c.failure);
                    default -> problems.add(name + " is in state " + c.state);
                }
            }
        }
        return problems;
    }

    private static String references(ComponentConfigurationDTO c) {
        List<String> names = new ArrayList<>();
        for (UnsatisfiedReferenceDTO r : c.unsatisfiedReferences) {
            names.add(r.name + (r.target == null ? "" : " " + r.target));
        }
        return String.join(", ", names);
    }

    /**
     * The ids of the services that the component behind {@code service} has bound now for its reference
     * to {@code referenceInterface}; empty when it has bound none.
     *
     * @throws AssertionError if the service is no DS component, or the component has no such reference
     */
    public static List<Long> boundServiceIds(ServiceComponentRuntime scr, ServiceReference<?> service, Class<?> referenceInterface) {
        Object name = service.getProperty("component.name");
        if (name == null) {
            throw new AssertionError(service + " is not a DS component's service");
        }
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTOs(service.getBundle()).stream()
                .filter(c -> c.name.equals(name)).findFirst().orElseThrow(() -> new AssertionError("SCR does not know " + name));
        String refName = Arrays.stream(d.references).filter(r -> r.interfaceName.equals(referenceInterface.getName()))
                .map(r -> r.name).findFirst()
                .orElseThrow(() -> new AssertionError(d.name + " has no reference to " + referenceInterface.getName()));
        for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
            for (SatisfiedReferenceDTO s : c.satisfiedReferences) {
                if (s.name.equals(refName)) {
                    return Arrays.stream(s.boundServices).map(sr -> sr.id).toList();
                }
            }
        }
        return List.of();
    }

    /** The one configuration of the component named {@code name}, if SCR knows it. */
    public static Optional<ComponentConfigurationDTO> configuration(ServiceComponentRuntime scr, String name) {
        return scr.getComponentDescriptionDTOs().stream()
                .filter(d -> d.name.equals(name))
                .flatMap(d -> scr.getComponentConfigurationDTOs(d).stream())
                .findFirst();
    }
}
