/**
 * @module The entry point that Pulumi.yaml names (`main`): Pulumi's Node.js runtime runs a module that
 * *is* a function (`module.exports = fn`) as the program, so this module is the inventory program itself.
 */
import { inventoryProgram } from "./inventory-program";

export = inventoryProgram;
