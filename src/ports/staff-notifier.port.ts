/** Tells staff: posts one card to their channel. */
export interface StaffNotifier {
  post(card: unknown): Promise<void>;
}
