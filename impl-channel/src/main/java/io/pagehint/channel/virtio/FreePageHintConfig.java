package io.pagehint.channel.virtio;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of one virtio free-page-hint device (factory pid {@value FreePageHintComponent#PID}). */
@ObjectClassDefinition(name = "pagehint virtio free-page-hint device",
        description = "A virtio-balloon device with VIRTIO_BALLOON_F_FREE_PAGE_HINT for one guest (docs/PROTOCOL.md part B).")
public @interface FreePageHintConfig {

    @AttributeDefinition(name = "VM id", description = "The guest's id; the hint source carries it as vm.id.")
    String vm_id();

    @AttributeDefinition(name = "VM filter", description = "Target filter of the VirtualMachine reference: (vm.id=<the same id>).")
    String vm_target();

    @AttributeDefinition(name = "Doorbell path", description = "UNIX socket for register accesses and interrupts (created with mode 0600).")
    String doorbell_path();

    @AttributeDefinition(name = "Queue size", description = "QueueSizeMax of the free page queue: a power of two from 2 to 32768.")
    int queue_size() default 1024;

    @AttributeDefinition(name = "Response timeout", description = "Milliseconds the driver may take to acknowledge a command id or make progress in a round.")
    long response_timeout_ms() default 5000;
}
