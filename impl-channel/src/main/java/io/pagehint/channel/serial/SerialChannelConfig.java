package io.pagehint.channel.serial;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of one virtio-serial hint port (factory pid {@value SerialChannelComponent#PID}). */
@ObjectClassDefinition(name = "pagehint virtio-serial hint port",
        description = "The host end of the design note's virtio-serial port for one guest (docs/PROTOCOL.md part A).")
public @interface SerialChannelConfig {

    @AttributeDefinition(name = "VM id", description = "The guest's id; the hint source carries it as vm.id.")
    String vm_id();

    @AttributeDefinition(name = "VM filter", description = "Target filter of the VirtualMachine reference: (vm.id=<the same id>).")
    String vm_target();

    @AttributeDefinition(name = "Socket path", description = "UNIX socket the port listens on (created with mode 0600).")
    String socket_path();

    @AttributeDefinition(name = "Largest frame", description = "Largest frame the host accepts, in bytes (4096 .. 1048576).")
    int max_frame_bytes() default 1 << 20;

    @AttributeDefinition(name = "Hello timeout", description = "Milliseconds a new connection may take to say HELLO.")
    long hello_timeout_ms() default 5000;

    @AttributeDefinition(name = "Response timeout", description = "Milliseconds the guest may stay silent while the host waits for it.")
    long response_timeout_ms() default 5000;

    @AttributeDefinition(name = "Accept page poison", description = "Accept a guest that poisons free pages (the engine must then preserve the poison).")
    boolean accept_page_poison() default true;
}
