// Inputs of the second-factor domain, parsed before they reach the database or a comparison.
import { z } from "zod";

/** Factor ids are UUIDs: anything else is "not found", never a database error. */
export const factorIdSchema = z.uuid();

/** The second step's form: which method, and the code as typed (each checker normalises its own). */
export const secondStepInputSchema = z.object({
  method: z.enum(["totp", "email", "recovery"]).catch("totp"),
  code: z.string({ error: "Enter the code." }).trim().min(1, "Enter the code.").max(40, "That code is too long."),
});
