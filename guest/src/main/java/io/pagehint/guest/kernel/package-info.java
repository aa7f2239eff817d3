/**
 * The reference guest's kernel model: a memory manager whose entire state lives in guest RAM
 * (boot block, page metadata, buddy free lists, page cache), so that a destination which receives
 * the RAM can attach to it, check it, and run on.
 */
package io.pagehint.guest.kernel;
